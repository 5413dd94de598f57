"""«Объектив»: objectivity of assessment procedures in a school."""

__version__ = "0.1.0"
APP_NAME = "Объектив"
