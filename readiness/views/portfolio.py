"""The commissioner's journey: the portfolio of shared bids, comparison, a bid, its integrity, queries, exports."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import DateField, Form, IntegerField, SearchField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from readiness import exports, permissions, portfolio_chart
from readiness.extensions import db
from readiness.forms import ConfirmForm, ServiceForm
from readiness.models.accounts import utcnow
from readiness.services import completeness, portfolio, sharing
from readiness.views.auth import resumed_form

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")
MAX_COMPARED = 4
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.before_request
@login_required
def _commissioners_only() -> None:
    """Every portfolio page is for commissioners; each bid is checked against its shares too."""
    permissions.require_role("commissioner")


class IsoDateField(DateField):
    """A date typed as YYYY-MM-DD (a browser's date picker sends that), with a GOV.UK-style error."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date, like 2027-04-01") from error


class FilterForm(Form):
    """The portfolio's filters: a GET form, so it has no CSRF token."""

    q = SearchField("Search by role or organisation", validators=[Optional(), Length(max=100)])
    # A filter left out of the query string means "any", so each default is a valid choice.
    verdict = SelectField("Verdict", default="")
    stage = SelectField("Stage", default="")
    rating = SelectField("Stage rating", default="")
    role_profile = SelectField("Role profile", default="")
    organisation = SelectField("Organisation", default="")
    submitted_from = IsoDateField("Submitted on or after", validators=[Optional()])
    submitted_to = IsoDateField("Submitted on or before", validators=[Optional()])
    evidence = SelectField(
        "Evidence",
        choices=[
            SelectChoice("", "Any evidence"),
            SelectChoice("claims", "Has Yes claims not evidenced"),
            SelectChoice("stale", "Has stale evidence"),
        ],
        default="",
    )
    min_evidence = IntegerField(
        "Answers evidenced, at least (%)",
        validators=[
            Optional(),
            NumberRange(0, 100, "Answers evidenced must be a whole number from 0 to 100"),
        ],
    )
    sort = SelectField("Sort by", default="submitted")
    order = SelectField(
        "Order",
        choices=[SelectChoice("desc", "Highest or newest first"), SelectChoice("asc", "Lowest or oldest first")],
        default="desc",
    )


class QueryForm(ServiceForm):
    text = TextAreaField(
        "Your query",
        validators=[
            DataRequired("Enter your query"),
            Length(max=4000, message="Query must be 4,000 characters or fewer"),
        ],
    )


def _choices(anything: str, items: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice("", anything)] + [SelectChoice(value, label) for value, label in items.items()]


def filter_form(organisation_ids: set[int], words: portfolio.Labels) -> tuple[FilterForm, portfolio.Filters]:
    """Build the filter form from the query string; fields that do not validate are not applied."""
    form = FilterForm(request.args)
    form.verdict.choices = _choices("Any verdict", words.verdicts)
    form.stage.choices = _choices("Any stage", words.stages)
    form.rating.choices = _choices("Any rating", words.rags)
    form.role_profile.choices = _choices("Any role profile", words.profiles)
    form.organisation.choices = _choices(
        "Any organisation", {str(key): name for key, name in portfolio.organisations(organisation_ids)}
    )
    form.sort.choices = [
        SelectChoice(value, label)
        for value, label in (
            ("submitted", "Date submitted"),
            ("organisation", "Organisation"),
            ("role", "Role"),
            ("role_profile", "Role profile"),
            ("band", "Band"),
            ("verdict", "Verdict"),
            ("evidence", "Share of answers evidenced"),
            *((f"stage_{stage}", f"Score: {title}") for stage, title in words.stages.items()),
        )
    ]
    form.validate()
    value = {field.name: field.data if not field.errors else None for field in form}
    filters = portfolio.Filters(
        verdict=value["verdict"] or None,
        stage=value["stage"] or None,
        rating=value["rating"] or None,
        role_profile=value["role_profile"] or None,
        organisation_id=int(value["organisation"]) if value["organisation"] else None,
        submitted_from=value["submitted_from"],
        submitted_to=value["submitted_to"],
        search=value["q"] or "",
        claims_unevidenced=value["evidence"] == "claims",
        min_evidence_share=value["min_evidence"],
        stale_before=stale_before() if value["evidence"] == "stale" else None,
        sort=value["sort"] or "submitted",
        descending=value["order"] != "asc",
        page=request.args.get("page", 1, type=int) or 1,
    )
    return form, filters


def stale_before() -> date:
    """Evidence given before this day is stale today."""
    return utcnow().date() - timedelta(days=completeness.stale_days())


@bp.route("/")
def index() -> str:
    organisation_ids = sharing.commissioner_ids(current_user)
    words = portfolio.labels()
    form, filters = filter_form(organisation_ids, words)
    found = portfolio.page_of(organisation_ids, filters)
    risks, sample = portfolio.risk_counts(organisation_ids, filters)
    return render_template(
        "portfolio/index.html",
        form=form,
        portfolio=found,
        words=words,
        risks=risks,
        sample=sample,
        heat=found.heat,
        args=_args(),
        stages=portfolio.STAGES,
        page_numbers=portfolio.page_numbers(found.page, found.pages),
        stale_before=stale_before(),
    )


@bp.route("/heatmap.svg")
def heatmap() -> Response:
    organisation_ids = sharing.commissioner_ids(current_user)
    words = portfolio.labels()
    _, filters = filter_form(organisation_ids, words)
    rows = portfolio.heatmap_rows(organisation_ids, filters)
    svg = _heatmap_svg(tuple(rows), tuple(words.stages[stage] for stage in portfolio.STAGES))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, no-cache"})


@lru_cache(maxsize=256)
def _heatmap_svg(rows: tuple[portfolio_chart.HeatRow, ...], titles: tuple[str, ...]) -> bytes:
    """Draw the chart once per distinct data: the same data always gives the same SVG."""
    return portfolio_chart.heatmap_svg(rows, titles)


@bp.route("/export.<fmt>")
def export(fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    organisation_ids = sharing.commissioner_ids(current_user)
    words = portfolio.labels()
    _, filters = filter_form(organisation_ids, words)
    headers, rows = portfolio.export_rows(portfolio.all_bids(organisation_ids, filters), words)
    sharing.record_export(current_user, fmt, None, bids=len(rows), filters=request.args.to_dict())
    db.session.commit()
    return _download(headers, rows, fmt, "portfolio", "Portfolio")


def _download(headers: list[str], rows: list[list[Any]], fmt: str, name: str, title: str) -> Response:
    mimetype = FORMATS[fmt]
    body = exports.to_csv(headers, rows) if fmt == "csv" else exports.to_xlsx(headers, rows, title)
    filename = f"{name}-{date.today().isoformat()}.{fmt}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/compare")
def compare() -> str | Response:
    wanted = list(dict.fromkeys(request.args.getlist("bid", type=int)))
    if not 2 <= len(wanted) <= MAX_COMPARED:
        flash(f"Select between 2 and {MAX_COMPARED} bids to compare.")
        return redirect(url_for("portfolio.index"))
    details = [sharing.detail_of(sharing.bid_or_404(current_user, version_id)) for version_id in wanted]
    return render_template("portfolio/compare.html", details=details, words=portfolio.labels(), stages=portfolio.STAGES)


@bp.route("/bids/<int:version_id>")
def bid(version_id: int, form: QueryForm | None = None) -> str:
    version = sharing.bid_or_404(current_user, version_id)
    organisation_ids = sharing.commissioner_ids(current_user)
    return render_template(
        "portfolio/bid.html",
        detail=sharing.detail_of(version),
        words=portfolio.labels(),
        stages=portfolio.STAGES,
        form=form or QueryForm(),
        verify_form=ConfirmForm(),
        queries=sharing.queries_of(version, organisation_ids),
        trail=sharing.trail_of(version, organisation_ids),
        describe=sharing.describe,
    )


@bp.route("/bids/<int:version_id>/verify", methods=["POST"])
def verify(version_id: int) -> Response:
    version = sharing.bid_or_404(current_user, version_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    checked = sharing.verify(version, current_user)
    db.session.commit()
    if checked.matches:
        flash(
            "Verified: the stored snapshot still matches the digest recorded when it was submitted, "
            "and its verdict, scores and evidence figures match its answers."
        )
    else:
        flash(
            "Verification failed: this bid was altered after it was submitted ("
            + "; ".join(checked.reasons or ("its stored answers do not match its digest",))
            + f"). Its answers' digest is now {checked.recomputed_digest}.",
            "warning",
        )
    return redirect(url_for("portfolio.bid", version_id=version.id, _anchor="integrity"))


@bp.route("/bids/<int:version_id>/queries", methods=["GET", "POST"])
def raise_query(version_id: int) -> str | Response:
    version = sharing.bid_or_404(current_user, version_id)
    if request.method == "GET":  # only to resume a query typed before the session ended
        form, resumed = resumed_form(QueryForm)
        return bid(version_id, form) if resumed else redirect(url_for("portfolio.bid", version_id=version_id))
    form = QueryForm()
    if not form.validate_on_submit():
        return bid(version_id, form)
    sharing.raise_query(version, current_user, form.text.data.strip())
    db.session.commit()
    flash("Your query has been sent to the project lead.")
    return redirect(url_for("portfolio.bid", version_id=version.id, _anchor="queries"))


@bp.route("/bids/<int:version_id>/answers.<fmt>")
def export_bid(version_id: int, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    version = sharing.bid_or_404(current_user, version_id)
    headers, rows = sharing.answer_rows(sharing.detail_of(version))
    sharing.record_export(current_user, fmt, version)
    db.session.commit()
    return _download(headers, rows, fmt, f"bid-{version.assessment_id}-v{version.number}", "Answers")


def _args() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key != "page" and value}
