"""Groups a person goes to, their attendance, and group registers."""

urlpatterns = []
