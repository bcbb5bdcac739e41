"""HTTP API of the catalog: categories, brands, products, stores, placements, bulk imports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from starlette.datastructures import UploadFile

from jarnama.catalog import importer, placements, service, stock_import
from jarnama.catalog.models import Channel, PlacementKind
from jarnama.catalog.readers import MEDIA_TYPES, Format, format_of_path, rows_of_bytes
from jarnama.catalog.schemas import (
    MAX_ID,
    BrandCreate,
    BrandOut,
    BrandUpdate,
    CategoryCreate,
    CategoryOut,
    ImportReportOut,
    MinBidOut,
    MinBidUpdate,
    PlacementCreate,
    PlacementOut,
    PlacementUpdate,
    ProductCreate,
    ProductOut,
    ProductUpdate,
    StockOut,
    StockUpdate,
    StoreCreate,
    StoreOut,
    StoreUpdate,
)
from jarnama.config import Settings
from jarnama.core.errors import InvalidInput
from jarnama.core.http import JsonResponse
from jarnama.core.pagination import Page
from jarnama.deps import PrincipalDep, SessionDep, SettingsDep
from jarnama.tenancy.principal import Principal

router = APIRouter(prefix="/catalog", tags=["catalog"])

ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]
RefFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Cursor = Annotated[str | None, Query(max_length=200, description="`next_cursor` of a page.")]
Limit = Annotated[int | None, Query(ge=1, description="Page size (capped by the server).")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "Not found, or not yours."}}


def _page_size(settings: Settings, limit: int | None) -> int:
    return min(limit or settings.limits.page_size_default, settings.limits.page_size_max)


# --- categories -------------------------------------------------------------------------------


@router.post(
    "/categories", summary="Create a category under a parent.", status_code=status.HTTP_201_CREATED
)
def create_category(
    body: CategoryCreate, principal: PrincipalDep, session: SessionDep
) -> CategoryOut:
    """Create a category; its path is the parent's path plus its code."""
    category = service.create_category(session, principal, **body.model_dump())
    return CategoryOut.model_validate(category)


@router.get("/categories", summary="List categories.")
def list_categories(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    parent_id: RefFilter = None,
    roots: Annotated[bool, Query(description="Only the top-level categories.")] = False,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[CategoryOut]:
    """Categories by id, optionally the children of `parent_id` or the roots."""
    rows, next_cursor = service.list_categories(
        session,
        principal,
        parent_id=parent_id,
        roots_only=roots,
        cursor=cursor,
        limit=_page_size(settings, limit),
    )
    return Page(items=[CategoryOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/categories/{category_id}", summary="Get one category.", responses=NOT_FOUND)
def get_category(
    category_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> CategoryOut:
    """One category."""
    return CategoryOut.model_validate(service.get_category(session, principal, category_id))


# --- brands -----------------------------------------------------------------------------------


@router.post("/brands", summary="Create a brand.", status_code=status.HTTP_201_CREATED)
def create_brand(body: BrandCreate, principal: PrincipalDep, session: SessionDep) -> BrandOut:
    """Create a brand, optionally owned by an advertiser account."""
    brand = service.create_brand(
        session, principal, name=body.name, owner_account_id=body.owner_account_id
    )
    return BrandOut.model_validate(brand)


@router.get("/brands", summary="List the brands the caller may see.")
def list_brands(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    owner_account_id: RefFilter = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[BrandOut]:
    """Every brand for a network admin; an advertiser's (or its agency's) own otherwise."""
    rows, next_cursor = service.list_brands(
        session,
        principal,
        owner_account_id=owner_account_id,
        cursor=cursor,
        limit=_page_size(settings, limit),
    )
    return Page(items=[BrandOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/brands/{brand_id}", summary="Get one brand.", responses=NOT_FOUND)
def get_brand(brand_id: ObjectId, principal: PrincipalDep, session: SessionDep) -> BrandOut:
    """One brand (404 for another advertiser's)."""
    return BrandOut.model_validate(service.get_brand(session, principal, brand_id))


@router.patch("/brands/{brand_id}", summary="Change a brand's owner.", responses=NOT_FOUND)
def update_brand(
    brand_id: ObjectId, body: BrandUpdate, principal: PrincipalDep, session: SessionDep
) -> BrandOut:
    """Give a brand to an advertiser account, or to nobody (null)."""
    brand = service.set_brand_owner(session, principal, brand_id, body.owner_account_id)
    return BrandOut.model_validate(brand)


# --- products ---------------------------------------------------------------------------------


@router.post("/products", summary="Create a product.", status_code=status.HTTP_201_CREATED)
def create_product(body: ProductCreate, principal: PrincipalDep, session: SessionDep) -> ProductOut:
    """Create one product (use the import for many)."""
    product = service.create_product(session, principal, **body.model_dump())
    return ProductOut.model_validate(product)


@router.get("/products", summary="List and search the products the caller may see.")
def list_products(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=r"^[^\x00]*$", description="Text in SKU, GTIN or names."),
    ] = None,
    brand_id: RefFilter = None,
    category_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="This category and those below it.")
    ] = None,
    active: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[ProductOut]:
    """Products by id; an advertiser sees only its own brands' products."""
    rows, next_cursor = service.list_products(
        session,
        principal,
        q=q,
        brand_id=brand_id,
        category_id=category_id,
        active=active,
        cursor=cursor,
        limit=_page_size(settings, limit),
    )
    return Page(items=[ProductOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/products/by-sku/{sku}", summary="Get one product by SKU.", responses=NOT_FOUND)
def get_product_by_sku(
    sku: Annotated[str, Path(max_length=64, pattern=r"^[^\x00]+$")],
    principal: PrincipalDep,
    session: SessionDep,
) -> ProductOut:
    """One product by the retailer's SKU."""
    return ProductOut.model_validate(service.get_product_by_sku(session, principal, sku))


@router.get("/products/{product_id}", summary="Get one product.", responses=NOT_FOUND)
def get_product(product_id: ObjectId, principal: PrincipalDep, session: SessionDep) -> ProductOut:
    """One product (404 for another advertiser's)."""
    return ProductOut.model_validate(service.get_product(session, principal, product_id))


@router.patch(
    "/products/{product_id}",
    summary="Change a product's price, stock, active flag or names.",
    responses=NOT_FOUND,
)
def update_product(
    product_id: ObjectId, body: ProductUpdate, principal: PrincipalDep, session: SessionDep
) -> ProductOut:
    """Change the given fields; omitted ones stay."""
    changes = body.model_dump(exclude_unset=True)
    for key in ("price_tiyn", "stock_total", "active", "name_kk", "name_ru", "name_en"):
        if key in changes and changes[key] is None:
            raise InvalidInput("this field cannot be null", field=key)
    product = service.update_product(session, principal, product_id, changes)
    return ProductOut.model_validate(product)


@router.get(
    "/products/{product_id}/stock", summary="Get a product's stock per store.", responses=NOT_FOUND
)
def get_product_stock(
    product_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> list[StockOut]:
    """Units on hand in each store that has an entry."""
    rows = service.product_stock(session, principal, product_id)
    return [StockOut(store_id=s.id, store_code=s.code, quantity=e.quantity) for e, s in rows]


@router.put(
    "/products/{product_id}/stock/{store_id}",
    summary="Set a product's stock in one store.",
    responses=NOT_FOUND,
)
def put_product_stock(
    product_id: ObjectId,
    store_id: ObjectId,
    body: StockUpdate,
    principal: PrincipalDep,
    session: SessionDep,
) -> StockOut:
    """Set the units in one store; the product's stock_total becomes the sum over stores."""
    entry, store = service.set_product_stock(
        session, principal, product_id, store_id, body.quantity
    )
    return StockOut(store_id=store.id, store_code=store.code, quantity=entry.quantity)


# --- stores -----------------------------------------------------------------------------------


@router.post("/stores", summary="Create a store.", status_code=status.HTTP_201_CREATED)
def create_store(body: StoreCreate, principal: PrincipalDep, session: SessionDep) -> StoreOut:
    """Create a store of the retailer."""
    return StoreOut.model_validate(service.create_store(session, principal, **body.model_dump()))


@router.get("/stores", summary="List stores.")
def list_stores(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    city: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")] = None,
    active: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[StoreOut]:
    """Stores by id, optionally of one city."""
    rows, next_cursor = service.list_stores(
        session, principal, city=city, active=active, cursor=cursor,
        limit=_page_size(settings, limit),
    )  # fmt: skip
    return Page(items=[StoreOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/stores/{store_id}", summary="Get one store.", responses=NOT_FOUND)
def get_store(store_id: ObjectId, principal: PrincipalDep, session: SessionDep) -> StoreOut:
    """One store."""
    return StoreOut.model_validate(service.get_store(session, principal, store_id))


@router.patch("/stores/{store_id}", summary="Change a store.", responses=NOT_FOUND)
def update_store(
    store_id: ObjectId, body: StoreUpdate, principal: PrincipalDep, session: SessionDep
) -> StoreOut:
    """Change the given fields; omitted ones stay."""
    changes = body.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:
            raise InvalidInput("this field cannot be null", field=key)
    return StoreOut.model_validate(service.update_store(session, principal, store_id, changes))


# --- placements -------------------------------------------------------------------------------


@router.post("/placements", summary="Create a placement.", status_code=status.HTTP_201_CREATED)
def create_placement(
    body: PlacementCreate, principal: PrincipalDep, session: SessionDep
) -> PlacementOut:
    """Create a placement; banners and in-store screens need a width and height."""
    placement = placements.create_placement(session, principal, **body.model_dump())
    return PlacementOut.model_validate(placement)


@router.get("/placements", summary="List placements.")
def list_placements(
    principal: PrincipalDep,
    session: SessionDep,
    settings: SettingsDep,
    kind: PlacementKind | None = None,
    channel: Channel | None = None,
    cursor: Cursor = None,
    limit: Limit = None,
) -> Page[PlacementOut]:
    """Placements by id, optionally of one kind or channel."""
    rows, next_cursor = placements.list_placements(
        session, principal, kind=kind, channel=channel, cursor=cursor,
        limit=_page_size(settings, limit),
    )  # fmt: skip
    return Page(items=[PlacementOut.model_validate(row) for row in rows], next_cursor=next_cursor)


@router.get("/placements/{placement_id}", summary="Get one placement.", responses=NOT_FOUND)
def get_placement(
    placement_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> PlacementOut:
    """One placement."""
    return PlacementOut.model_validate(placements.get_placement(session, principal, placement_id))


@router.patch("/placements/{placement_id}", summary="Change a placement.", responses=NOT_FOUND)
def update_placement(
    placement_id: ObjectId, body: PlacementUpdate, principal: PrincipalDep, session: SessionDep
) -> PlacementOut:
    """Change the given fields; `width` and `height` may be null for unsized kinds."""
    changes = body.model_dump(exclude_unset=True)
    for key in ("name", "slots", "min_bid_tiyn", "active"):
        if key in changes and changes[key] is None:
            raise InvalidInput("this field cannot be null", field=key)
    placement = placements.update_placement(session, principal, placement_id, changes)
    return PlacementOut.model_validate(placement)


@router.get(
    "/placements/{placement_id}/min-bids",
    summary="List a placement's per-category minimum bids.",
    responses=NOT_FOUND,
)
def list_min_bids(
    placement_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> list[MinBidOut]:
    """Every per-category minimum bid of a placement, by category id."""
    rows = placements.list_category_min_bids(session, principal, placement_id)
    return [MinBidOut.model_validate(row) for row in rows]


@router.get(
    "/placements/{placement_id}/min-bids/{category_id}",
    summary="Get a placement's minimum bid in one category.",
    responses=NOT_FOUND,
)
def get_min_bid(
    placement_id: ObjectId, category_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> MinBidOut:
    """The minimum bid set for one category (404 when none is set)."""
    entry = placements.get_category_min_bid(session, principal, placement_id, category_id)
    return MinBidOut.model_validate(entry)


@router.put(
    "/placements/{placement_id}/min-bids/{category_id}",
    summary="Set a placement's minimum bid in one category.",
    responses=NOT_FOUND,
)
def put_min_bid(
    placement_id: ObjectId,
    category_id: ObjectId,
    body: MinBidUpdate,
    principal: PrincipalDep,
    session: SessionDep,
) -> MinBidOut:
    """Set the minimum bid for a category and the categories below it."""
    entry = placements.set_category_min_bid(
        session, principal, placement_id, category_id, body.min_bid_tiyn
    )
    return MinBidOut.model_validate(entry)


@router.delete(
    "/placements/{placement_id}/min-bids/{category_id}",
    summary="Remove a placement's minimum bid in one category.",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=NOT_FOUND,
)
def delete_min_bid(
    placement_id: ObjectId, category_id: ObjectId, principal: PrincipalDep, session: SessionDep
) -> None:
    """Remove the per-category minimum bid; the placement's own applies again."""
    placements.delete_category_min_bid(session, principal, placement_id, category_id)


# --- bulk imports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """An uploaded import file: its bytes, format and name."""

    data: bytes
    format: Format
    name: str


def catalog_writer(principal: PrincipalDep) -> Principal:
    """The caller, refused before any upload is read unless it may write the catalog."""
    service.ensure_catalog_writer(principal)
    return principal


WriterDep = Annotated[Principal, Depends(catalog_writer)]


async def read_upload(request: Request, _writer: WriterDep) -> Upload:
    """The import file of a multipart form (field `file`) or of a text/csv or NDJSON body.

    Depends on the writer check so nothing is read or parsed for a caller who may not import.
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form()
        try:
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise InvalidInput("send the file in a form field named 'file'", field="file")
            name = part.filename or "upload"
            part_media = (part.content_type or "").split(";")[0].strip().lower()
            fmt = MEDIA_TYPES.get(part_media) or format_of_path(name)
            return Upload(await part.read(), fmt, name)
        finally:
            await form.close()
    if media in MEDIA_TYPES:
        fmt = MEDIA_TYPES[media]
        return Upload(await request.body(), fmt, f"upload.{fmt}")
    raise InvalidInput(
        "send text/csv, application/x-ndjson, or multipart/form-data with a 'file' field",
        field="content-type",
    )


UploadDep = Annotated[Upload, Depends(read_upload)]
AllowPartial = Annotated[bool, Query(description="Apply the good rows even when some are bad.")]
IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}
IMPORT_REJECTED: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad rows, nothing applied: the body's `report` lists them."}
}


def _import_answer(report: importer.ImportReport | importer.StockImportReport) -> Any:
    out = ImportReportOut.model_validate(
        {**asdict(report), "errors": [asdict(error) for error in report.errors]}
    )
    if report.applied:
        return out
    return JsonResponse(
        {
            "error": "invalid_rows",
            "detail": f"{report.rejected} rows are invalid; nothing was applied",
            "field": None,
            "report": out.model_dump(mode="json"),
        },
        status_code=400,
    )


@router.post(
    "/imports/products",
    summary="Import products from CSV or JSON Lines (upsert by SKU).",
    openapi_extra=IMPORT_BODY,
    response_model=ImportReportOut,
    responses=IMPORT_REJECTED,
)
def import_products(
    principal: WriterDep,
    upload: UploadDep,
    session: SessionDep,
    allow_partial: AllowPartial = False,
) -> Any:
    """Upsert products by SKU; every bad row is listed, and none applies unless allow_partial."""
    rows = rows_of_bytes(upload.data, upload.format, upload.name)
    report = importer.import_products(session, rows, actor=principal, allow_partial=allow_partial)
    return _import_answer(report)


@router.post(
    "/imports/stock",
    summary="Import per-store stock (sku, store, quantity) from CSV or JSON Lines.",
    openapi_extra=IMPORT_BODY,
    response_model=ImportReportOut,
    responses=IMPORT_REJECTED,
)
def import_stock(
    principal: WriterDep,
    upload: UploadDep,
    session: SessionDep,
    allow_partial: AllowPartial = False,
) -> Any:
    """Set per-store quantities; unknown SKUs and store codes are bad rows."""
    rows = rows_of_bytes(upload.data, upload.format, upload.name)
    report = stock_import.import_stock(session, rows, actor=principal, allow_partial=allow_partial)
    return _import_answer(report)
