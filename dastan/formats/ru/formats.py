# The reader site's format (templates/components/article_main.html), for the admin too.
DATE_FORMAT = "d E Y"
DATETIME_FORMAT = "d E Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
SHORT_DATE_FORMAT = "d.m.Y"
