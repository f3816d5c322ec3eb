from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("services/nouveau/", views.ServiceCreateView.as_view(), name="service_create"),
    path("services/<int:pk>/retrait/", views.WithdrawView.as_view(), name="service_withdraw"),
    path("annees/nouveau/", views.CatalogueCreateView.as_view(), name="catalogue_create"),
    path("annees/<int:pk>/", views.CatalogueDetailView.as_view(), name="catalogue_detail"),
    path("annees/<int:pk>/prix/", views.PriceSetView.as_view(), name="price_set"),
    path("annees/<int:pk>/vote/", views.VoteView.as_view(), name="catalogue_vote"),
    path("annees/<int:pk>/reprendre/", views.CopyView.as_view(), name="catalogue_copy"),
    path("pv/nouveau/", views.ReportCreateView.as_view(), name="report_create"),
    path("pv/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path(
        "pv/<int:pk>/abonnements/ajouter/",
        views.SubscriptionCreateView.as_view(),
        name="subscription_create",
    ),
    path("abonnements/", views.SubscriptionListView.as_view(), name="subscription_list"),
    path("mes-abonnements/", views.MySubscriptionsView.as_view(), name="my_subscriptions"),
    path("facturation/", views.BillingView.as_view(), name="billing"),
]
