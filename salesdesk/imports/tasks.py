from django_tasks import task

from salesdesk.imports import services


@task()
def run_import_job(*, job_id: int) -> None:
    """Run a queued import; does nothing if the job is gone or another worker already took it."""
    services.run_import(job_id=job_id)
