"""The MyKey platform and municipal points cloud (自治体ポイント管理クラウド) as a Flask app."""
from cloud_api.app import create_app

__all__ = ["create_app"]
