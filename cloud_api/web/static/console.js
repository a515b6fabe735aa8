/* Console helpers: postal-code 検索 fills the address; live length counters. No framework. */
(function () {
  "use strict";
  function postalSearch(button) {
    var input = document.getElementById("f-postal_code");
    var out = document.getElementById("postal-result");
    var code = (input.value || "").trim();
    if (!/^[0-9]{7}$/.test(code)) {
      out.textContent = "郵便番号はハイフンなしの7桁の半角数字で入力してください。";
      return;
    }
    var url = button.getAttribute("data-url").replace("0000000", code);
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (res) {
      if (!res.ok) { out.textContent = res.body.error; return; }
      var b = res.body;
      out.textContent = "都道府県: " + b.prefecture;
      var address = document.getElementById("f-address");
      if (address) { address.value = b.city + b.town; }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("postal-search");
    if (button) { button.addEventListener("click", function () { postalSearch(button); }); }
  });
})();
