"""An upload handler that refuses a request body over the person-list byte limit before reading
it: Django bounds form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not uploaded files, which it
streams to a temporary file of any size. The API turns the refusal into 413, the pages into
Django's 400 page; a file just over the limit (within the slack) gets the import's own error,
which names the limit."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

from homeward.lib import personlist

# Multipart boundaries and the form's other fields (party, source kind, …) ride along.
SLACK = 1024 * 1024


def max_body() -> int:
    return personlist.LIMITS.bytes + SLACK


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length and content_length > max_body():
            raise RequestDataTooBig(f"request body over {max_body()} bytes")

    def receive_data_chunk(self, raw_data, start):
        # Without a Content-Length (chunked), count as the body arrives.
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > max_body():
            raise RequestDataTooBig(f"request body over {max_body()} bytes")
        return raw_data

    def file_complete(self, file_size):
        return None
