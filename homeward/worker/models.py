from django.db import models


class WorkerBeat(models.Model):
    """A running worker's last sign of life. A task still marked running whose worker has not
    beaten for `runner.LOST_AFTER` was lost with its worker (killed, out of memory, power cut)
    and is put back in the queue (homeward.worker.runner.recover_lost)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host}:{self.pid}"
