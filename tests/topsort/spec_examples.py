"""Request and response examples copied verbatim from Topsort's published v2 OpenAPI.

Source: `topsort-api-v2.yml` (Topsort Endpoints v2 API Reference, version 2.0.0), also kept at
`../shared/fixtures/topsort/topsort-api-v2.yml`.

Copyright Topsort. Licensed under the Apache License, Version 2.0 (the "License"); you may
not use this file except in compliance with the License. You may obtain a copy of the License
at http://www.apache.org/licenses/LICENSE-2.0. Unless required by applicable law or agreed to
in writing, software distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
specific language governing permissions and limitations under the License.

Only the structure is copied (`paths./v2/auctions…examples`, `components.schemas.*.examples`);
the values are the spec's own.
"""

# ruff: noqa: E501  (the spec's long ids and texts are kept verbatim)
from __future__ import annotations

from typing import Any

RESOLVED_BID_ID = "WyJiX01mazE1IiwiMTJhNTU4MjgtOGVhZC00Mjk5LTgzMjctY2ViYjAwMmEwZmE4IiwibGlzdGluZ3MiLCJkZWZhdWx0IiwiIl0="

# paths./v2/auctions.post.requestBody.content.application/json.examples.default
AUCTIONS_BASIC_LISTINGS: dict[str, Any] = {
    "auctions": [{"type": "listings", "slots": 2, "products": {"ids": ["p_PJbnN", "p_ojng4"]}}]
}

# paths./v2/auctions.post.requestBody.content.application/json.examples.externalDemand
AUCTIONS_EXTERNAL_DEMAND: dict[str, Any] = {
    "auctions": [
        {
            "type": "listings",
            "slots": 3,
            "products": {"ids": ["p_PJbnN", "p_ojng4", "p_8VKDt"]},
            "demandSources": [
                {
                    "source": "criteo",
                    "bids": [
                        {
                            "chargeType": "CPC",
                            "entity": {"type": "product", "id": "p_PJbnN"},
                            "bidAmount": 0.50,
                            "metadata": {"clickUrl": "https://example.com/click"},
                        },
                        {
                            "chargeType": "CPC",
                            "entity": {"type": "product", "id": "p_ojng4"},
                            "bidAmount": 0.35,
                            "metadata": {"clickUrl": "https://example.com/product/ojng4"},
                        },
                    ],
                }
            ],
        }
    ]
}

# components.schemas.SponsoredListingsAuction.examples[0]
LISTINGS_AUCTION_GEO: dict[str, Any] = {
    "type": "listings",
    "slots": 2,
    "products": {"ids": ["p_PJbnN", "p_ojng4", "p_8VKDt", "p_Mfk15"]},
    "geoTargeting": {"location": "New York"},
}

# components.schemas.BannersAuction.examples[0]
BANNERS_AUCTION_CATEGORY: dict[str, Any] = {
    "type": "banners",
    "slots": 1,
    "slotId": "categories-ribbon-banner",
    "category": {"id": "c_yogurt"},
}

# components.schemas.AuctionCategory (oneOf) examples
CATEGORY_MULTIPLE: dict[str, Any] = {"ids": ["c_men_clothing", "c_shoes"]}
CATEGORY_DISJUNCTIONS: dict[str, Any] = {"disjunctions": [["c_red"], ["c_blue"]]}

# paths./v2/auctions.post.responses.201.content.application/json.examples.listingsAndBanners
RESULTS_LISTINGS_AND_BANNERS: dict[str, Any] = {
    "results": [
        {
            "resultType": "listings",
            "winners": [
                {
                    "rank": 1,
                    "type": "product",
                    "id": "p_Mfk11",
                    "resolvedBidId": "WyJiX01mazExIiwiMTJhNTU4MjgtOGVhZC00Mjk5LTMyNjYtY2ViYjAwMmEwZmE4IiwibGlzdGluZ3MiLCJkZWZhdWx0IiwiIl0==",
                    "campaignId": "82588593-85c5-47c0-b125-07e315b7f2b3",
                }
            ],
            "error": False,
        },
        {
            "resultType": "listings",
            "winners": [
                {
                    "rank": 1,
                    "type": "product",
                    "id": "p_Mfk15",
                    "resolvedBidId": "WyJiX01mazE1IiwiMTJhNTU4MjgtOGVhZC00Mjk5LTgzMjctY2ViYjAwMmEwZmE4IiwibGlzdGluZ3MiLCJkZWZhdWx0IiwiIl0=",
                    "campaignId": "4bcc6093-f367-4df2-aa1b-7c1674dd6441",
                },
                {
                    "rank": 2,
                    "type": "product",
                    "id": "p_PJbnN",
                    "resolvedBidId": "WyJlX1BKYm5OIiwiMTJhNTU4MjgtOGVhZC00Mjk5LTgzMjctY2ViYjAwMmEwZmE4IiwibGlzdGluZ3MiLCJkZWZhdWx0IiwiIl0=",
                    "campaignId": "a72e4e43-55b5-4d08-81bb-cbb57df59c72",
                },
            ],
            "error": False,
        },
        {
            "resultType": "banners",
            "winners": [
                {
                    "rank": 1,
                    "type": "product",
                    "id": "p_PJbnN",
                    "resolvedBidId": "WyJlX1BKYm5OIiwiMTJhNTU4MjgtOGVhZC00Mjk5LTgzMjctY2ViYjAwMmEwZmE4IiwiYmFubmVyQWRzIiwiZGVmYXVsdCIsIiJd",
                    "campaignId": "1156ef4e-0109-4190-ac97-4436c82358d2",
                    "asset": [
                        {
                            "url": "https://topsort.cdnprovider.com/lhs-banner-image-for-p_PJbnN-1x.png",
                            "content": {
                                "headingText": "A banner for Topsort with a product image and a shop now button",
                                "bannerText": "Topsort has the best tech!",
                                "bannerTextColour": "48a94c",
                                "heroImage": "https://assets.imageurl.io/s/85d2d333-eed5-44d7-b131-8851d59f0574",
                                "heroImageAltText": "Topsort product image",
                            },
                        }
                    ],
                }
            ],
            "error": False,
        },
    ]
}

# paths./v2/auctions.post.responses.201.content.application/json.examples.empty
RESULTS_EMPTY: dict[str, Any] = {
    "results": [{"resultType": "listings", "winners": [], "error": False}]
}

_PLACEMENT = {
    "path": "/categories/dairy",
    "position": 1,
    "page": 1,
    "pageSize": 15,
    "categoryIds": ["9BLIe"],
}

# components.schemas.EventsRequest.examples[0..3]
EVENTS_IMPRESSIONS: dict[str, Any] = {
    "impressions": [
        {
            "id": "eb874c98-bf4d-40a9-ae6d-fcf4cecb535c",
            "occurredAt": "2019-01-01T12:59:59-05:00",
            "opaqueUserId": "71303ce0-de89-496d-8270-6434589615e8",
            "placement": dict(_PLACEMENT),
            "resolvedBidId": RESOLVED_BID_ID,
            "deviceType": "mobile",
            "channel": "onsite",
        }
    ]
}
EVENTS_CLICKS: dict[str, Any] = {
    "clicks": [
        {
            "id": "b39d39ed-ea0e-4059-9d15-4990b39c85a2",
            "occurredAt": "2019-01-01T13:01:42-05:00",
            "opaqueUserId": "71303ce0-de89-496d-8270-6434589615e8",
            "placement": dict(_PLACEMENT),
            "resolvedBidId": RESOLVED_BID_ID,
            "deviceType": "mobile",
            "channel": "offsite",
        }
    ]
}
EVENTS_PURCHASES: dict[str, Any] = {
    "purchases": [
        {
            "id": "0e06c899-b2cd-4e0d-b0de-8aefb4b6d0a0",
            "items": [
                {"productId": "p_SA0238", "unitPrice": 12.95, "quantity": 2, "vendorId": "v_8fj2D"},
                {"productId": "p_oajf2D", "unitPrice": 1.49},
            ],
            "occurredAt": "2019-01-01T12:59:59-05:00",
            "opaqueUserId": "71303ce0-de89-496d-8270-6434589615e8",
            "deviceType": "desktop",
            "channel": "onsite",
        },
        {
            "id": "b7147656-504f-4ae7-b335-740829ff64c6",
            "items": [
                {"productId": "p_SA0279", "unitPrice": 119.95, "quantity": 5, "vendorId": "v_8fj2D"}
            ],
            "occurredAt": "2019-01-01T13:59:59-05:00",
            "opaqueUserId": "71303ce0-de89-496d-8270-6434589615e8",
            "channel": "instore",
        },
    ]
}
EVENTS_PAGEVIEWS: dict[str, Any] = {
    "pageviews": [
        {
            "id": "8f648a8e-830c-4bb4-9d93-6ea80075ca82",
            "occurredAt": "2019-01-01T12:59:58-05:00",
            "opaqueUserId": "71303ce0-de89-496d-8270-6434589615e8",
            "page": {"type": "category", "pageId": "/categories/dairy", "value": "dairy"},
            "deviceType": "mobile",
            "channel": "onsite",
        }
    ]
}
