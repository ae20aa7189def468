"""gan_lab: the machinery behind the gan-lab notebooks.

Each module has one job: ``config`` (settings, seeding), ``data`` (datasets, batches),
``toy`` (distributions with known densities), and more as the course grows.
"""

from .config import Settings, load_settings, pick_device, seed_everything, setup
from .data import (BatchSource, CorruptDatasetError, DatasetNotFoundError, ImageDataset,
                   load_course_data, load_dataset)

__version__ = "0.1.0"

__all__ = [
    "BatchSource", "CorruptDatasetError", "DatasetNotFoundError", "ImageDataset", "Settings",
    "load_course_data", "load_dataset", "load_settings", "pick_device", "seed_everything",
    "setup",
]
