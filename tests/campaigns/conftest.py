"""Two campaigns side by side: the province's (dialogue 15/6/2023) and Kế Sách's local one
(dialogue 20/4/2023, deadline 10 days before), whose units overlap the province's (KESACH) and add
communes. Shared by every several-campaigns test."""

from typing import Any

import pytest

from bot.config import AppConfig
from handlers.settings import CampaignSpec

LOCAL_KEY = "kesach2023"
LOCAL_ADMIN = {"name": "Huyện đoàn Kế Sách", "channel": "zalo", "chat_id": "ks-admin"}
LOCAL_COORDINATOR = {"name": "Phòng Y tế Kế Sách", "channel": "telegram", "chat_id": "ks-yte", "scope": ["suc_khoe"]}


def local_spec(**changes: Any) -> dict[str, Any]:
    """The local campaign as written in config.yaml (`campaigns:`) or typed by an admin."""
    spec: dict[str, Any] = {
        "key": LOCAL_KEY,
        "name": "Đối thoại giữa lãnh đạo huyện Kế Sách với thanh niên năm 2023",
        "theme": "Thanh niên Kế Sách khởi nghiệp",
        "dialogue_date": "2023-04-20",
        "deadline_days_before": 10,
        "receipt_prefix": "KS2023",
        "units": [
            {"code": "KESACH", "name": "Thị trấn Kế Sách", "allocation": 10},
            {"code": "ANMY", "name": "Xã An Mỹ", "allocation": 5},
            {"code": "KHAC", "name": "Khác", "allocation": 0},
        ],
        "roles": {"admins": [LOCAL_ADMIN], "coordinators": [LOCAL_COORDINATOR]},
    }
    spec.update(changes)
    return spec


@pytest.fixture
def two_campaigns(config: AppConfig) -> AppConfig:
    """The shipped configuration with Kế Sách's campaign added under `campaigns:`, validated as the file is."""
    raw = config.model_dump(mode="json")
    raw["campaigns"] = [local_spec()]
    return AppConfig.model_validate(raw)


@pytest.fixture
def local(two_campaigns: AppConfig) -> AppConfig:
    """Kế Sách's campaign settings."""
    spec = CampaignSpec.model_validate(local_spec())
    return two_campaigns.for_campaign(spec)  # type: ignore[return-value]
