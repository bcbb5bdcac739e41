"""HTTP API of asynchronous report jobs, under /api/v1/reports.

Create a job (202 with its id), poll it until `done` (or `failed`, with the error), then
download the CSV or Parquet file, or a PNG of spend against attributed sales. Suppliers see
their own jobs only, whose rows cover only their campaigns; another tenant's job id is 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Path, Request
from fastapi.responses import FileResponse, Response

from jarnama.deps import PrincipalDep, SessionDep
from jarnama.measurement import jobs
from jarnama.measurement.schemas import ID_MAX, ReportCreate, ReportJobOut

router = APIRouter(prefix="/reports", tags=["reports"])
JobId = Annotated[int, Path(ge=1, le=ID_MAX, description="The report job's id.")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such report job, or another tenant's."}
}
NOT_READY: dict[int | str, dict[str, Any]] = {
    **NOT_FOUND,
    409: {"description": "The job is not done (queued, running or failed)."},
    410: {"description": "The job's file is no longer available."},
}


def _wake(request: Request) -> None:
    wakeup = getattr(request.app.state, "report_wakeup", None)
    if wakeup is not None:
        wakeup()


@router.post(
    "",
    status_code=202,
    summary="Queue a report job (by day, campaign, ad group, product, placement or campaign_day).",
    responses={
        400: {"description": "until is before since, or the range is too long."},
        404: {"description": "account_id, a campaign or an ad group is not the caller's."},
    },
)
def create_report(
    body: ReportCreate,
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    background: BackgroundTasks,
) -> ReportJobOut:
    """Queue the report; poll `GET /reports/{id}` until its status is done or failed."""
    job = jobs.create_job(session, principal, body)
    # Runs after the response, so after the edge committed the job: the worker will see it.
    background.add_task(_wake, request)
    return ReportJobOut.of(job)


@router.get(
    "/{job_id}",
    summary="A report job's status (queued, running, done or failed).",
    responses=NOT_FOUND,
)
def get_report(job_id: JobId, session: SessionDep, principal: PrincipalDep) -> ReportJobOut:
    """The job, with its download and chart links once it is done, or its error."""
    return ReportJobOut.of(jobs.get_job(session, principal, job_id))


@router.get(
    "/{job_id}/download",
    summary="Download a done report job's CSV or Parquet file.",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"text/csv": {}, "application/vnd.apache.parquet": {}},
            "description": "The report file, streamed.",
        },
        **NOT_READY,
    },
)
def download_report(job_id: JobId, session: SessionDep, principal: PrincipalDep) -> FileResponse:
    """Stream the file; money columns are in tiyn, ratios are exact decimals."""
    job = jobs.get_job(session, principal, job_id)
    path = jobs.output_of(job)
    return FileResponse(
        path,
        media_type=jobs.MEDIA_TYPES[job.format],
        filename=f"report-{job.id}-{job.dimension}.{job.format.value}",
    )


@router.get(
    "/{job_id}/chart.png",
    summary="A PNG chart of spend against attributed sales per day of a done report job.",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The chart."}, **NOT_READY},
)
def report_chart(job_id: JobId, session: SessionDep, principal: PrincipalDep) -> Response:
    """Spend bars and an attributed-sales line per day (day and campaign_day reports)."""
    job = jobs.get_job(session, principal, job_id)
    return Response(jobs.chart_of(job), media_type="image/png")
