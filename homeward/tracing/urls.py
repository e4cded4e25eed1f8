from django.urls import path

from . import review, views

app_name = "tracing"
urlpatterns = [
    path("", views.inquiry_list, name="inquiries"),
    path("new/", views.inquiry_new, name="inquiry_new"),
    path("new/preview/", views.inquiry_preview, name="inquiry_preview"),
    path("bulk/", views.inquiry_bulk, name="inquiry_bulk"),
    path("queue/", review.queue, name="queue"),
    path("undo/", review.undo, name="undo"),
    path("candidates/<uuid:uuid>/", review.candidate_detail, name="candidate"),
    path("candidates/<uuid:uuid>/decide/", review.decide, name="decide"),
    path("candidates/<uuid:uuid>/merge/", review.merge, name="merge"),
    path("<uuid:uuid>/", views.inquiry_detail, name="inquiry"),
    path("<uuid:uuid>/answer/", views.answer_letter, name="letter"),
]
