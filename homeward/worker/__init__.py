"""Background work: the queue helpers and the worker that runs Homeward's tasks.

Tasks are Django's (`django.tasks`), written as `@task` functions in each app's `tasks.py`;
this app holds only what is not one app's business:

- `queue.enqueue` and `queue.schedule`: queue a task with its job, or schedule a periodic one;
- `runner.run`: the worker (`homeward worker`, or a thread of `homeward serve`), which is
  django-tasks-db's worker plus a heartbeat, so that a task whose worker died is found and run
  again (or given up on, see `queue.MAX_ATTEMPTS`);
- `models.WorkerBeat`: one row per running worker, its last sign of life.

docs/architecture.md ("Background tasks") says how to write a task and how its failure reaches
the person who asked for the work.
"""
