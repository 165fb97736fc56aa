from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """Pages of 25 (up to 100 with ``page_size``), with the total and the next page's link."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
