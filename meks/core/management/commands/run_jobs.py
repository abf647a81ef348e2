"""Run the platform's periodic jobs by hand or from cron, as Celery beat does."""

from django.core.management.base import BaseCommand

from meks.core import jobs


class Command(BaseCommand):
    help = "Run periodic jobs: all of one frequency, or the ones named."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="job names (all jobs of the frequency when omitted)")
        parser.add_argument("--frequency", choices=jobs.FREQUENCIES)
        parser.add_argument("--list", action="store_true", help="list the registered jobs and exit")

    def handle(self, *args, **options):
        if options["list"]:
            for job in jobs.registered_jobs():
                self.stdout.write(f"{job.name}\t{job.frequency}\t{job.description}")
            return
        results = jobs.run_jobs(frequency=options["frequency"], names=options["names"] or None)
        failed = False
        for name, result in results.items():
            failed = failed or isinstance(result, Exception)
            self.stdout.write(f"{name}: {result!r}")
        if failed:
            raise SystemExit(1)
