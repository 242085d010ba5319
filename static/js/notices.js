// Live notification centre: the unread count in the header, and new notices on the page,
// pushed over /ws/notifications/ (signed in by the session cookie). Reconnects after drops.
(function () {
  "use strict";
  var badge = document.getElementById("unread-count");
  var list = document.getElementById("live-notices");
  var retry = 1000;

  function show(notice) {
    if (!list || !notice) return;
    var item = document.createElement("li");
    item.className = "row unread";
    var link = document.createElement("a");
    link.href = "/my/notifications/" + notice.id + "/";
    link.textContent = notice.title;
    item.appendChild(link);
    var tag = document.createElement("span");
    tag.className = "status status-new";
    tag.textContent = "New";
    item.appendChild(tag);
    list.insertBefore(item, list.firstChild);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.onopen = function () { retry = 1000; document.body.dataset.noticesLive = "yes"; };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (badge && typeof data.unread === "number") badge.textContent = data.unread;
      if (data.type === "notice") show(data.notice);
    };
    socket.onclose = function (event) {
      document.body.dataset.noticesLive = "no";
      if (event.code === 4401) return;  // signed out: nothing to listen to
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  if ("WebSocket" in window) connect();
})();
