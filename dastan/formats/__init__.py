"""The site's date formats for Django's own output (the admin), per edition language.

Reader templates spell their format out ("d E Y, H:i"); these make the back office
say "30 November 2026, 11:15" the same way instead of Django's "Nov. 30, 2026, 11:15 a.m.".
An edition without a module here keeps Django's formats for its language.
"""
