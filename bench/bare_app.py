"""The bare route that bench/pages.sh measures beside the app: Flask returning a constant string."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index() -> str:
    return "ok"
