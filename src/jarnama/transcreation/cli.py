"""`jarnama transcreate qa FILE`, `latin FILE`, `pretranslate PROJECT_ID`, `export-xliff …`.

`qa` and `latin` read files only. The other two work on the configured database
(`JARNAMA_DATABASE__URL`) as the trusted operator `cli` (a network admin), in one transaction
each; `pretranslate` shows a progress bar that moves per TM hit and per MT batch. Exit status:
1 when QA finds blocking problems or the approval gate refuses an export, 2 for unusable input.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from jarnama.config import Settings
from jarnama.core.db import make_engine, make_sessionmaker, transaction
from jarnama.core.errors import Conflict, JarnamaError
from jarnama.tenancy.models import Role, Scope
from jarnama.tenancy.principal import Principal
from jarnama.transcreation import service, xliff
from jarnama.transcreation.latin import Script, language_tag, to_latin
from jarnama.transcreation.qa import SegmentContext, check_segment
from jarnama.transcreation.qa.findings import Finding, Severity
from jarnama.transcreation.qa.labels import Channel
from jarnama.transcreation.qa.spelling import kazakh_speller

CLI_ACTOR = "cli"
SEVERITY_STYLE = {Severity.BLOCKING: "red", Severity.WARNING: "yellow", Severity.INFO: "dim"}

transcreate_app = typer.Typer(help="The Kazakh transcreation studio.", no_args_is_help=True)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def cli_principal() -> Principal:
    """The operator at the terminal: a network admin acting as `cli`."""
    return Principal(
        actor=CLI_ACTOR,
        role=Role.NETWORK_ADMIN,
        account_id=None,
        scopes=frozenset(scope.value for scope in Scope),
    )


def _progress() -> Progress:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=err, transient=True)


def _fail(exc: JarnamaError) -> typer.Exit:
    """Print a service error; the approval gate (409) exits 1, anything else 2."""
    where = f" ({exc.field})" if exc.field else ""
    err.print(f"[red]error{where}:[/red] {escape(exc.message)}", highlight=False)
    return typer.Exit(1 if isinstance(exc, Conflict) else 2)


@contextmanager
def _database() -> Iterator[tuple[Settings, Session]]:
    """The configured database in one transaction (committed unless the block raises)."""
    from jarnama.cli import settings_or_exit

    settings = settings_or_exit()
    engine = make_engine(settings.database.url, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as session:
            yield settings, session
    except JarnamaError as exc:
        raise _fail(exc) from exc
    finally:
        engine.dispose()


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        err.print(f"[red]error:[/red] {path} is not UTF-8 text", highlight=False)
        raise typer.Exit(2) from exc


def _excerpt(text: str, finding: Finding) -> str:
    """The flagged characters (the whole line for findings about the whole line)."""
    if finding.end > finding.start:
        return text[finding.start : finding.end]
    return text if len(text) <= 40 else text[:39] + "…"


@transcreate_app.command("qa")
def qa(
    file: Annotated[Path, typer.Argument(help="Kazakh ad lines, one segment a line (UTF-8).")],
    source: Annotated[
        Path | None,
        typer.Option(
            "--source",
            exists=True,
            dir_okay=False,
            readable=True,
            help="The Russian lines the Kazakh ones translate, aligned line by line.",
        ),
    ] = None,
    max_chars: Annotated[
        int | None, typer.Option("--max-chars", min=1, help="Length limit of every line.")
    ] = None,
    channel: Annotated[
        Channel | None,
        typer.Option(
            "--channel",
            help="Check each line as the text of an ad on this channel (e.g. creator_post "
            "lines must open with «Жарнама»).",
        ),
    ] = None,
) -> None:
    """Check every Kazakh line of FILE; exit 1 when any finding is blocking."""
    if not file.is_file():
        err.print(f"[red]error:[/red] no file {file}", highlight=False)
        raise typer.Exit(2)
    targets = _lines(file)
    sources: list[str | None] = [None] * len(targets)
    if source is not None:
        aligned = _lines(source)
        if len(aligned) != len(targets):
            err.print(
                f"[red]error:[/red] {source} has {len(aligned)} lines, {file} has "
                f"{len(targets)}: the files must be aligned line by line",
                highlight=False,
            )
            raise typer.Exit(2)
        sources = list(aligned)
    speller = kazakh_speller()
    results: list[tuple[int, str, Finding]] = []
    checked = 0
    with _progress() as bar:
        task = bar.add_task("checking lines", total=len(targets))
        for number, (target, original) in enumerate(zip(targets, sources, strict=True), 1):
            if target.strip():
                checked += 1
                context = SegmentContext(
                    source=original or None, max_chars=max_chars, speller=speller, channel=channel
                )
                results += [(number, target, f) for f in check_segment(target, context)]
            bar.advance(task)
    _print_findings(results, checked)
    if any(f.severity is Severity.BLOCKING for _, _, f in results):
        raise typer.Exit(1)


def _print_findings(results: list[tuple[int, str, Finding]], checked: int) -> None:
    counts = {s: sum(f.severity is s for _, _, f in results) for s in Severity}
    if results:
        table = Table(title="Kazakh QA findings")
        for column in ("line", "col", "severity", "rule", "text", "message", "suggestion"):
            table.add_column(column, justify="right" if column in ("line", "col") else "left")
        for number, text, finding in results:
            style = SEVERITY_STYLE[finding.severity]
            table.add_row(
                str(number),
                str(finding.start + 1),
                f"[{style}]{finding.severity.value}[/{style}]",
                finding.rule,
                escape(_excerpt(text, finding)),
                escape(finding.message),
                escape(finding.suggestion or ""),
            )
        out.print(table)
    verdict = "[red]blocked[/red]" if counts[Severity.BLOCKING] else "[green]passed[/green]"
    out.print(
        f"{checked} line(s) checked: {counts[Severity.BLOCKING]} blocking, "
        f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} info — {verdict}"
    )


@transcreate_app.command("pretranslate")
def pretranslate(
    project_id: Annotated[int, typer.Argument(min=1, help="The project to pre-translate.")],
) -> None:
    """Fill a project's untranslated segments from the TM, then MT; list the human queue."""
    with _database() as (settings, session), _progress() as bar:
        project = service.get_project(session, cli_principal(), project_id)
        _, segments = service.project_parts(session, project)
        todo = sum(1 for s in segments if s.state is xliff.SegmentState.INITIAL and not s.target)
        task = bar.add_task(f"pre-translating project {project.id}", total=todo)
        report = service.run_pretranslation(
            session,
            cli_principal(),
            settings,
            project.id,
            on_progress=lambda done: bar.advance(task, done),
        )
    table = Table(title=f"project {report.project_id} pre-translated with {report.backend}")
    table.add_column("origin")
    table.add_column("segments", justify="right")
    for origin, count in sorted(report.counts.items()):
        table.add_row(origin, f"{count:,}")
    out.print(table)
    if report.human_queue:
        ids = ", ".join(map(str, report.human_queue))
        out.print(f"{len(report.human_queue)} segment(s) wait for a translator: {ids}")
    else:
        out.print("[green]nothing left for the human queue[/green]")


@transcreate_app.command("export-xliff")
def export_xliff(
    project_id: Annotated[int, typer.Argument(min=1, help="The project to export.")],
    out_file: Annotated[Path, typer.Argument(metavar="OUT", dir_okay=False, help="XLIFF file.")],
    target_lang: Annotated[
        str, typer.Option("--target-lang", help="Which target language to export (kk or ru).")
    ] = "kk",
    latin: Annotated[
        bool,
        typer.Option("--latin", help="Kazakh targets in the 2021 Latin alphabet (kk-Latn)."),
    ] = False,
) -> None:
    """Write a project's segments as XLIFF 2.1 (refused while a final segment has blocking QA)."""
    script = Script.LATIN if latin else Script.CYRILLIC
    with _database() as (settings, session):
        project = service.get_project(session, cli_principal(), project_id)
        if target_lang not in project.target_langs:
            err.print(
                f"[red]error:[/red] project {project.id} targets {', '.join(project.target_langs)}",
                highlight=False,
            )
            raise typer.Exit(2)
        segments = service.xliff_segments(
            session, project, target_lang, script=script, config=settings.transcreation
        )
        data = xliff.write_xliff(
            segments,
            source_lang=project.source_lang,
            target_lang=language_tag(target_lang, script),
            file_id=f"p{project.id}",
        )
    out_file.write_bytes(data)
    out.print(f"{len(segments)} segment(s) of project {project_id} written to {out_file}")


@transcreate_app.command("latin")
def latin(
    file: Annotated[Path, typer.Argument(help="Kazakh Cyrillic text (UTF-8).")],
    out_file: Annotated[
        Path | None,
        typer.Option("--out", dir_okay=False, help="Write here instead of standard output."),
    ] = None,
) -> None:
    """Transliterate FILE to the 2021 Kazakh Latin alphabet (Қазақстан → Qazaqstan)."""
    if not file.is_file():
        err.print(f"[red]error:[/red] no file {file}", highlight=False)
        raise typer.Exit(2)
    text = to_latin("\n".join(_lines(file)))
    if out_file is None:
        out.print(text, markup=False, highlight=False)
        return
    out_file.write_text(text + "\n", encoding="utf-8")
    err.print(f"written to {out_file}", highlight=False)
