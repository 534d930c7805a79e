// Site behaviour as a static file: the Content-Security-Policy allows no inline scripts or event handlers.
// A form with data-confirm="…" asks before it is submitted.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// 交办: while the completion time is typed, show the deadlines it yields (the same parser, through
// /assign/preview.json). Without JS the form's 预览期限 button shows the same preview from the server.
(function () {
  var input = document.querySelector("[data-schedule-preview]");
  var box = document.getElementById("schedule-preview");
  var body = document.getElementById("schedule-preview-body");
  if (!input || !box || !body) {
    return;
  }
  var timer = null;
  var latest = 0;
  function line(text, className) {
    var div = document.createElement("div");
    div.textContent = text;
    if (className) {
      div.className = className;
    }
    return div;
  }
  function show(data) {
    body.replaceChildren();
    if (!data.ok) {
      body.appendChild(line(data.error || "无法预览。", "text-danger"));
      return;
    }
    body.appendChild(line("完成时间类型：" + data.kind));
    if (!data.deadlines.length) {
      body.appendChild(line("无截止期限（按需开展）。"));
      return;
    }
    var list = document.createElement("ul");
    list.className = "mb-0";
    data.deadlines.forEach(function (d) {
      var item = document.createElement("li");
      item.textContent = d.label + "：" + d.start + " 至 " + d.due + (d.is_deadline ? "" : "（定期报送，非截止期限）");
      list.appendChild(item);
    });
    body.appendChild(list);
  }
  function refresh() {
    var ticket = ++latest;
    var params = new URLSearchParams({ due_text: input.value, plan: input.getAttribute("data-plan") || "" });
    fetch(box.getAttribute("data-url") + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) { if (ticket === latest) { show(data); } })
      .catch(function () { if (ticket === latest) { show({ ok: false, error: "暂时无法预览，请点击“预览期限”。" }); } });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  if (input.value) {
    refresh();
  }
})();
