"""The demo studio project: Food Master's Russian ad, its Kazakh version and the QA report.

Everything goes through the transcreation services, as the API would: the supplier's admin
creates the project, adds its brand to the termbase, types the Kazakh targets, runs QA and
marks the clean segments reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jarnama.tenancy.models import Account, Role, Scope
from jarnama.tenancy.principal import Principal
from jarnama.transcreation import service
from jarnama.transcreation.schemas import AssetIn, ProjectCreate, QAReport, SlotIn
from jarnama.transcreation.terms import Term, TermKind
from jarnama.transcreation.xliff import SegmentState

NBSP = "\u00a0"
PRICE = f"99{NBSP}990{NBSP}₸"
BRAND = "Food Master"
PROJECT_NAME = "Food Master: годовой запас молочных продуктов"


@dataclass(frozen=True, slots=True)
class DemoSlot:
    """One slot of the demo ad: Russian source, its Kazakh version and the length limit."""

    slot: str
    russian: str
    kazakh: str
    max_chars: int | None = None


BANNER = (
    DemoSlot(
        "headline",
        f"Молоко {BRAND} — чистое и свежее каждый день",
        f"{BRAND} сүті — күн сайын таза әрі жаңа",
        45,
    ),
    DemoSlot(
        "body",
        f"Годовой запас молочных продуктов за {PRICE}. Скидка 15% до 31 декабря!",
        f"Бір жылдық сүт өнімдері {PRICE}. 31 желтоқсанға дейін 15% жеңілдік!",
        90,
    ),
    DemoSlot("cta", "Купить сейчас", "Қазір сатып алыңыз", 20),
    DemoSlot(
        "legal", "Реклама. Количество товара ограничено.", "Жарнама. Тауар саны шектеулі.", 60
    ),
)
VOICEOVER = (
    DemoSlot(
        "voiceover",
        f"Реклама. {BRAND} — молоко и айран из Казахстана. Годовой запас за {PRICE}. "
        "Скидка 15% до 31 декабря. Предложение ограничено.",
        f"Жарнама. {BRAND} — Қазақстанның сүті мен айраны. Бір жылдық өнім {PRICE}. "
        "31 желтоқсанға дейін 15% жеңілдік. Ұсыныс шектеулі.",
    ),
)


@dataclass(frozen=True, slots=True)
class DemoStudio:
    """What the studio seed made: the project and its QA totals."""

    project_id: int
    segments: int
    blocking: int
    warnings: int


def _advertiser_admin(account: Account) -> Principal:
    """The supplier's own account admin (what its printed API key is)."""
    return Principal(
        actor=f"demo:{account.external_ref}",
        role=Role.ACCOUNT_ADMIN,
        account_id=account.id,
        scopes=frozenset({Scope.READ.value, Scope.MANAGE.value}),
        account_ids=frozenset({account.id}),
    )


def _asset(
    name: str, kind: str, slots: tuple[DemoSlot, ...], templates: tuple[str, ...] = ()
) -> AssetIn:
    return AssetIn.model_validate(
        {
            "name": name,
            "kind": kind,
            "slots": [SlotIn(slot=s.slot, source=s.russian, max_chars=s.max_chars) for s in slots],
            # QA also measures the headline and CTA in these banner sizes' boxes.
            "templates": list(templates),
        }
    )


def seed_transcreation(session: Session, account: Account) -> DemoStudio:
    """Create the demo project of `account` with Kazakh targets, QA run and clean slots reviewed."""
    principal = _advertiser_admin(account)
    service.add_terms(session, principal, account.id, [Term(BRAND, TermKind.BRAND)])
    project = service.create_project(
        session,
        principal,
        ProjectCreate(
            name=PROJECT_NAME,
            source_lang="ru",
            assets=[
                _asset("Web banner 728×90", "banner", BANNER, ("728x90", "300x250")),
                _asset("Radio spot, 30 s", "audio", VOICEOVER),
            ],
        ),
    )
    kazakh = {s.russian: s.kazakh for s in (*BANNER, *VOICEOVER)}
    _, segments = service.project_parts(session, project)
    for segment in segments:
        service.update_segment(session, principal, segment.id, kazakh[segment.source])
    report: QAReport = service.run_qa(session, principal, project.id)
    for out in report.segments:
        if not any(f["severity"] == "blocking" for f in out.findings):
            service.change_state(session, principal, out.id, SegmentState.REVIEWED)
    return DemoStudio(
        project_id=project.id,
        segments=len(report.segments),
        blocking=report.blocking,
        warnings=report.warnings,
    )
