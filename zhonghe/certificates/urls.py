from django.urls import path

from zhonghe.certificates import views

app_name = "certificates"
urlpatterns = [
    path("<str:number>/", views.verify_page, name="verify"),
    path("<str:number>/certificate.pdf", views.certificate_pdf, name="pdf"),
    path("<str:number>/declaration/", views.declaration_page, name="declaration"),
    path("<str:number>/declaration.pdf", views.declaration_pdf, name="declaration_pdf"),
]
