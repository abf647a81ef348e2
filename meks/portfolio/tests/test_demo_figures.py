"""The demo data set makes the dashboard say what the texts say, from the records."""

from decimal import Decimal

from meks.portfolio import selectors
from meks.portfolio.rating import compute_rating


def test_the_dashboard_tells_the_texts(portfolio_demo):
    office = portfolio_demo["office"]
    funnel = {row["stage"]: row for row in selectors.pipeline_funnel(user=office)}
    assert (funnel["selection"]["count"], funnel["contractor_determination"]["count"],
            funnel["implementation"]["count"]) == (145, 130, 34)
    totals = selectors.portfolio_totals(list(funnel.values()))
    assert totals == {"count": 309, "total": Decimal("974000000000.00")}
    sewerage = selectors.readiness_summary(user=office, filters=selectors.PortfolioFilters(direction="sewerage"))
    assert sewerage == {"ready": 16, "under_refinement": 6}
    ranking = [score.region.kato for score in compute_rating()]
    assert set(ranking[:3]) == {"75", "35", "19"}
    assert set(ranking[-2:]) == {"47", "62"}
    assert selectors.late_projects(user=office)[0].responsible is not None


def test_an_akimat_sees_only_its_region(portfolio_demo):
    karaganda = selectors.project_list(user=portfolio_demo["akimat.karaganda"])
    assert karaganda.count() == 17
    assert set(karaganda.values_list("region__kato", flat=True)) == {"35"}
    assert selectors.project_list(user=portfolio_demo["utility"]).exclude(owner__region__kato="35").count() == 0
    assert selectors.project_list(user=portfolio_demo["contractor"]).count() == 0
    assert selectors.project_list(user=portfolio_demo["office"]).count() == 309
