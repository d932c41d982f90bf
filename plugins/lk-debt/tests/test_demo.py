"""Demo accruals: 36 months per demo account, some in debt, some overpaid,
bank details for the receipts, and idempotent."""
from lk_platform.demo import load_demo
from lk_platform.util import periods


def state(platform):
    out = {}
    for slug in ("vodokanal", "uk-dom", "uk-dom-sever"):
        org = platform.organisations[slug]
        for number, ledger in org["debt_ledgers"].items():
            out[(slug, number)] = (tuple(ledger._statements.items()), tuple(ledger._payments.items()), ledger.rows)
        out[(slug, "periods")] = tuple(org["debt_periods"].keys())
        out[(slug, "settings")] = org.plugin_settings("debt")
    return out


def test_demo_history_is_plausible_and_idempotent(debt):
    with debt.db() as platform:
        before = state(platform)
        org = platform.organisations["vodokanal"]
        last = periods.prev(periods.of_date(org.now().date()))
        balances = {}
        for (slug, number), _value in before.items():
            if number in ("periods", "settings"):
                continue
            ledger = platform.organisations[slug]["debt_ledgers"][number]
            assert len(ledger.rows) == 36 and ledger.last_period == last
            assert ledger.rows[0].period == periods.add(last, -35)
            assert all(r.accrued_k > 0 for r in ledger.rows)
            balances[number] = ledger.balance
        assert any(b > 0 for b in balances.values()) and any(b < 0 for b in balances.values())
        assert balances["1000001"] > 0 and balances["2000001"] < 0  # ivanov: one of each
        penalties = sum(r.penalties_k for r in platform.organisations["vodokanal"]["debt_ledgers"]["1000001"].rows)
        assert penalties > 0
        settings = org.plugin_settings("debt")
        assert len(settings["settlement_account"]) == 20 and settings["due_day"] == 10
        assert len(before[("vodokanal", "periods")]) == 36
    with debt.db() as platform:
        load_demo(platform, debt.app.registry)
    with debt.db() as platform:
        assert state(platform) == before
