"""Pages of procurement: the dashboard, tenders and their forms, the contractor registry, contracts."""

from django.urls import path

from . import views, views_contracts, views_registry

app_name = "procurement"

urlpatterns = [
    path("", views_contracts.dashboard, name="dashboard"),
    # tenders
    path("tenders/", views.tender_list, name="tender_list"),
    path("tenders/export.xlsx", views.tender_export, name="tender_export"),
    path("tenders/new/", views.tender_create, name="tender_create"),
    path("tenders/<int:pk>/", views.tender_detail, name="tender_detail"),
    path("tenders/<int:pk>/edit/", views.tender_edit, name="tender_edit"),
    path("tenders/<int:pk>/lots/", views.lot_add, name="lot_add"),
    path("tenders/<int:pk>/requirements/", views.requirement_add, name="requirement_add"),
    path("tenders/<int:pk>/transition/", views.tender_transition, name="tender_transition"),
    path("tenders/<int:pk>/questions/", views.question_ask, name="question_ask"),
    path("tenders/<int:pk>/complaints/", views.complaint_file, name="complaint_file"),
    path("tenders/<int:pk>/bids/", views.bid_submit, name="bid_submit"),
    path("tenders/<int:pk>/qualification/", views.qualification_record, name="qualification_record"),
    path("tenders/<int:pk>/lots/<int:lot>/evaluate/", views.lot_evaluate, name="lot_evaluate"),
    path("questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("complaints/<int:pk>/accept/", views.complaint_accept, name="complaint_accept"),
    path("complaints/<int:pk>/decide/", views.complaint_decide, name="complaint_decide"),
    path("complaints/<int:pk>/withdraw/", views.complaint_withdraw, name="complaint_withdraw"),
    path("bids/<int:pk>/replace/", views.bid_replace, name="bid_replace"),
    path("bids/<int:pk>/withdraw/", views.bid_withdraw, name="bid_withdraw"),
    path("bids/<int:pk>/documents/<int:document>/", views.bid_document, name="bid_document"),
    path("awards/<int:pk>/decline/", views.award_decline, name="award_decline"),
    path("awards/<int:pk>/contract/", views.contract_sign, name="contract_sign"),
    # the contractor registry
    path("contractors/", views_registry.contractor_list, name="contractor_list"),
    path("contractors/export.xlsx", views_registry.contractor_export, name="contractor_export"),
    path("contractors/register/", views_registry.contractor_register, name="contractor_register"),
    path("contractors/<int:pk>/", views_registry.contractor_detail, name="contractor_detail"),
    path("contractors/<int:pk>/transition/", views_registry.contractor_transition, name="contractor_transition"),
    path("contractors/<int:pk>/unreliable/", views_registry.unreliable_include, name="unreliable_include"),
    path("unreliable/", views_registry.unreliable_list, name="unreliable_list"),
    path("unreliable/<int:pk>/remove/", views_registry.unreliable_remove, name="unreliable_remove"),
    # contracts
    path("contracts/", views_contracts.contract_list, name="contract_list"),
    path("contracts/export.xlsx", views_contracts.contract_export, name="contract_export"),
    path("contracts/<int:pk>/", views_contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/amendments/", views_contracts.amendment_add, name="amendment_add"),
    path("contracts/<int:pk>/payments/", views_contracts.payment_add, name="payment_add"),
    path("contracts/<int:pk>/complete/", views_contracts.contract_complete, name="contract_complete"),
]
