<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{title}} · tinyapp</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <main id="main">
    {{!base}}
  </main>
</body>
</html>
