"""Staff pages: find an account's ledger, see every period and payment, and
correct a period's service lines with a form generated from ``LineSchema``.
Every correction is audited with a field-by-field diff and recomputes the
balances; a rejected form saves nothing. Pages and messages are in the
reader's language; the audit log's entries are stored in Russian."""
from __future__ import annotations

import deform
from pyramid.httpexceptions import HTTPFound
from pyramid.view import view_config

from lk_platform.admin.forms import make_form, validate
from lk_platform.model.accounts import Account
from lk_platform.model.audit import audit
from lk_platform.model.organisations import Organisation
from lk_platform.util import periods

from .. import tablerows
from ..i18n import _
from ..models import PAYMENTS, PERIODS, ServiceLine, is_closed, ledger_for, ledgers
from ..money import number, rub
from ..schemas import NewStatementSchema, StatementSchema, is_blank_line, settings_of
from . import COMMON, TEMPLATES, Problem

BLANK_ROWS = 3


@view_config(context=Organisation, name="debt-admin", permission="debt.view", renderer=TEMPLATES + "admin.pt",
             **COMMON)
def debt_admin(context, request):
    error = None
    number_text = request.GET.get("account", "").strip()[:32]
    if number_text:
        accounts = context.get("accounts")
        if accounts is not None and accounts.get(number_text) is not None:
            return HTTPFound(request.resource_url(accounts[number_text], "@@debt-ledger"))
        error = _("Лицевой счёт № ${number} в организации не найден", mapping={"number": number_text})
        request.response.status = 404
    folder = ledgers(context)
    settings = settings_of(context)
    return {"error": error, "account_text": number_text, "ledger_count": len(folder) if folder is not None else 0,
            "settings": settings, "bank_complete": all(settings.get(f) for f in (
                "settlement_account", "bank_name", "bic", "correspondent_account")),
            "payments_url": request.resource_url(context[PAYMENTS], "@@admin"),
            "periods_url": request.resource_url(context[PERIODS], "@@admin"),
            "page_title": _("Начисления")}


@view_config(context=Account, name="debt-ledger", permission="debt.view", renderer=TEMPLATES + "ledger.pt",
             **COMMON)
def ledger_page(context, request):
    org = request.organisation
    ledger = ledger_for(org, context.number)
    can_manage = bool(request.has_permission("debt.manage", context))
    rows = tuple(reversed(ledger.rows)) if ledger is not None else ()
    payments = ledger.payments(reverse=True) if ledger is not None else []
    closed = {r.period for r in rows if is_closed(org, r.period)}
    return {"account": context, "ledger": ledger, "rows": rows, "payments": payments, "closed": closed,
            "can_manage": can_manage, "rub": rub, "periods": periods, "tablerows": tablerows,
            "localize": request.localizer.translate, "payments_folder": org[PAYMENTS],
            "page_title": _("Начисления по л/с ${number}", mapping={"number": context.number})}


def _describe(line: ServiceLine) -> dict:
    """Field title -> display value, for the audit diff (stored in Russian)."""
    return {"Исполнитель": line.supplier, "Ед. изм.": line.unit, "Объём": number(line.volume),
            "Тариф": number(line.tariff), "Начислено": rub(line.accrued_k), "Перерасчёт": rub(line.recalculation_k),
            "Льготы": rub(line.benefits_k), "Пени": rub(line.penalties_k)}


def diff_lines(period: int, old: tuple, new: tuple) -> dict:
    """``{"10.2026 · Отопление · Начислено": (old, new)}`` for the audit log.
    Lines are matched by service and supplier (in order, for repeats)."""
    prefix = periods.short(period)

    def keyed(lines):
        out, seen = {}, {}
        for line in lines:
            base = (line.service, line.supplier)
            seen[base] = seen.get(base, 0) + 1
            out[base + (seen[base],)] = line
        return out

    before, after = keyed(old), keyed(new)
    changes = {}
    for key in list(before) + [k for k in after if k not in before]:
        name = "%s · %s%s" % (prefix, key[0], " (%d)" % key[2] if key[2] > 1 else "")
        if key not in after:
            changes[name] = ("строка " + rub(before[key].total_k), "удалена")
        elif key not in before:
            changes[name] = ("", "добавлена: " + rub(after[key].total_k))
        else:
            a, b = _describe(before[key]), _describe(after[key])
            for field in a:
                if a[field] != b[field]:
                    changes["%s · %s" % (name, field)] = (a[field], b[field])
    return changes


@view_config(context=Account, name="debt-edit", permission="debt.manage", renderer=TEMPLATES + "edit.pt",
             **COMMON)
def edit_statement(context, request):
    org = request.organisation
    ledger = ledger_for(org, context.number, create=False)
    translate = request.localizer.translate
    new = request.params.get("new") == "1"
    if new:
        period = None
        previous = ledger.statement(ledger.last_period) if ledger is not None and ledger.has_statements() else None
        rows = [dict(l.as_form(), volume=None, accrued=None, recalculation=None, benefits=None, penalties=None)
                for l in previous.lines if l.penalties_k == 0] if previous is not None else []
        first = ledger is None or not ledger.has_statements()
    else:
        try:
            period = periods.parse(request.params.get("period", ""))
        except periods.BadPeriod as exc:
            raise Problem(400, _("Период: ${problem}", mapping={"problem": translate(exc.message)}))
        if ledger is None or ledger.statement(period) is None:
            raise Problem(404, _("Начислений за ${period} по счёту ${number} нет", mapping={
                "period": periods.label(period, translate), "number": context.number}))
        if is_closed(org, period):
            raise Problem(409, _("Период ${period} закрыт: исправления вносят перерасчётом в открытом периоде",
                                 mapping={"period": periods.label(period, translate)}))
        rows = [l.as_form() for l in ledger.statement(period).lines]
        first = period == ledger.periods()[0]
    schema = NewStatementSchema() if new else StatementSchema()
    if not first:
        del schema["opening"]
    count = len(rows) + BLANK_ROWS
    if request.method == "POST":
        count = max(1, min(200, sum(1 for k, v in request.POST.items() if k == "__start__" and v == "line:mapping")))
    # No JavaScript needed: every row is on the page (blank ones are ignored),
    # and a row is removed with its own checkbox.
    schema["lines"].widget = deform.widget.SequenceWidget(min_len=count, max_len=count, orderable=False)
    buttons = [deform.Button("save", _("Сохранить"))]
    if not new:
        buttons.append(deform.Button("delete", _("Удалить начисления за период"), css_class="btn-danger"))
    form = make_form(request, schema, buttons=tuple(buttons), context=context)
    if new:
        title = _("Новый период, л/с ${number}", mapping={"number": context.number})
    else:
        title = _("Начисления за ${period}, л/с ${number}", mapping={
            "period": periods.label(period, translate), "number": context.number})
    result = {"account": context, "title": title, "period": period, "page_title": title,
              "ledger_url": request.resource_url(context, "@@debt-ledger")}
    if request.method == "POST":
        appstruct, failed = validate(form, request)
        if failed is not None:
            request.response.status = 400
            return dict(result, form=failed)
        if new:
            period = appstruct["period"]
            problem = None
            if ledger is not None and ledger.statement(period) is not None:
                problem = _("За ${period} начисления уже есть — откройте период для исправления",
                            mapping={"period": periods.label(period, translate)})
            elif is_closed(org, period):
                problem = _("Период ${period} закрыт", mapping={"period": periods.label(period, translate)})
            if problem:
                request.response.status = 400
                return dict(result, form=form.render(_resubmitted(appstruct)), error=problem)
        lines = [ServiceLine.make(**{k: v for k, v in item.items() if k != "remove"})
                 for item in appstruct["lines"] if not is_blank_line(item)]
        ledger = ledger_for(org, context.number, create=True)
        old_statement = ledger.statement(period)
        reason = appstruct["reason"].strip()
        if "delete" in request.POST:
            changes = diff_lines(period, old_statement.lines, ())
            changes["Основание"] = ("", reason)
            ledger.remove_statement(period)
            audit(request, "debt:delete-statement", context, changes)
            request.session.flash(translate(_("Начисления за ${period} удалены",
                                              mapping={"period": periods.label(period, translate)})))
            return HTTPFound(result["ledger_url"])
        changes = diff_lines(period, old_statement.lines if old_statement is not None else (), tuple(lines))
        if first and "opening" in appstruct and ledger.opening != appstruct["opening"]:
            changes["Входящее сальдо"] = (rub(ledger.opening_k), rub(appstruct["opening"]))
        if old_statement is None:
            changes.setdefault("%s · период" % periods.short(period), ("", "добавлен"))
        if not changes:
            request.session.flash(translate(_("Изменений нет")))
            return HTTPFound(result["ledger_url"])
        changes["Основание"] = ("", reason)
        if first and "opening" in appstruct:
            ledger.set_opening(appstruct["opening"])
        ledger.set_statement(period, lines)
        audit(request, "debt:add-statement" if old_statement is None else "debt:edit-statement", context, changes)
        request.session.flash(translate(_("Начисления за ${period} сохранены, баланс пересчитан",
                                          mapping={"period": periods.label(period, translate)})))
        return HTTPFound(result["ledger_url"])
    values = {"lines": rows + [{}] * BLANK_ROWS}
    if first:
        values["opening"] = ledger.opening if ledger is not None else None
    return dict(result, form=form.render(values))


def _resubmitted(appstruct):
    return {k: v for k, v in appstruct.items() if k != "csrf_token"}
