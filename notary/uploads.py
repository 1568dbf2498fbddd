"""Streaming evidence uploads: SHA-256 is computed chunk by chunk as the
request body arrives and the bytes go straight to a temporary file on the same
file system as the storage, so a 2 GiB file is never held in memory, never
read twice, and is moved (not copied) into place."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler


class HashingUploadHandler(TemporaryFileUploadHandler):
    chunk_size = 1024 * 1024

    def __init__(self, request=None, *, max_bytes: int | None = None):
        super().__init__(request)
        self.max_bytes = max_bytes or settings.NOTARY_MAX_UPLOAD_BYTES
        self.too_large = False

    def new_file(self, *args, **kwargs):
        Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
        super().new_file(*args, **kwargs)
        self._sha256 = hashlib.sha256()
        self._size = 0

    def receive_data_chunk(self, raw_data, start):
        self._size += len(raw_data)
        if self._size > self.max_bytes:
            self.too_large = True
            self.file.close()
            raise SkipFile()
        self._sha256.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        uploaded = super().file_complete(file_size)
        uploaded.sha256 = self._sha256.hexdigest()
        return uploaded
