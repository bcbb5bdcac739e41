"""Report jobs' part of the matrix world: a done daily report of `home` (its file written to a
temporary directory removed at exit) and a queued one of `foreign`, through the real services."""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.time import utcnow
from jarnama.measurement import jobs
from jarnama.measurement.schemas import ReportCreate
from jarnama.tenancy.principal import Principal

SINCE, UNTIL = dt.date(2030, 1, 1), dt.date(2030, 1, 7)


@dataclass(frozen=True)
class ReportsWorld:
    """Ids of the report jobs in the matrix world."""

    job_id: int  # home's, done (a file to download and a chart to draw)
    foreign_job_id: int  # foreign's, queued


def build_reports(
    session: Session, operator: Principal, home_id: int, foreign_id: int
) -> ReportsWorld:
    """Home's daily report computed on an empty analytics store; foreign's left queued."""
    root = tempfile.mkdtemp(prefix="jarnama-matrix-reports-")
    atexit.register(shutil.rmtree, root, True)
    settings = Settings(
        _env_file=None,
        measurement={
            "store_dir": f"{root}/store",
            "reports_dir": f"{root}/out",
            "refresh_before_report": False,
        },
    )

    def create(account_id: int) -> int:
        body = ReportCreate(kind="day", since=SINCE, until=UNTIL, account_id=account_id)
        return jobs.create_job(session, operator, body).id

    home_job = jobs.get_job(session, operator, create(home_id))
    table = jobs.compute(session, settings, home_job)
    path = jobs.write_output(settings, home_job, table)
    jobs.finish(session, home_job, utcnow(), rows=table.num_rows, path=str(path))
    foreign_job = create(foreign_id)
    session.commit()
    return ReportsWorld(home_job.id, foreign_job)
