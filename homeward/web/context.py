from django.conf import settings


def homeward(request):
    return {"HOMEWARD_DEMO": settings.HOMEWARD_DEMO}
