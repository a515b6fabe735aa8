"""Grant business support (section V): rosters, the person master and mobile uploads.

`roster` keeps the 付与事業対象者名簿 and 対象者マスタ that the business-support PCs upload and the
mobile grant devices sync; `uploads` turns a mobile device's offline card reads into grants,
exactly once per client-made id. Views in cloud_api/api/grants.py only call these.
"""
