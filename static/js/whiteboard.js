// The whiteboard page: draws with pointer events (mouse, pen, touch), speaks the protocol in
// docs/whiteboard-protocol.md, and folds ops exactly as portal/whiteboard/state.py does.
(() => {
  "use strict";
  const root = document.getElementById("whiteboard");
  if (!root) return;
  const boardId = root.dataset.board;
  const me = Number(root.dataset.me);
  const canvas = root.querySelector("canvas");
  const ink = canvas.getContext("2d");
  const statusLine = root.querySelector(".whiteboard-status");
  const memberList = root.querySelector(".whiteboard-members");
  const MAX_POINTS = 2000;

  let items = [];          // drawing ops with undone_at, as in state.py
  let lastSeq = 0;
  let locked = false;
  let socket = null;
  let retry = 0;
  let drawing = null;      // the stroke under the pointer
  const members = new Map();

  // --- state -------------------------------------------------------------------------------
  function apply(op) {
    if (op.seq <= lastSeq) return;  // never twice
    if (["stroke", "erase", "clear"].includes(op.type)) {
      items.push({ ...op, undone_at: null, undone_by: null });
    } else if (op.type === "undo" || op.type === "redo") {
      const target = items.find((item) => item.seq === op.target);
      if (target) {
        target.undone_at = op.type === "undo" ? op.seq : null;
        target.undone_by = op.type === "undo" ? op.author : null;
      }
    } else {
      locked = op.type === "lock";
      showLock();
    }
    lastSeq = op.seq;
  }

  function visibleStrokes() {
    const strokes = new Map();
    for (const item of items) {
      if (item.undone_at !== null) continue;
      if (item.type === "stroke") strokes.set(item.id, item);
      else if (item.type === "erase") item.target_ids.forEach((id) => strokes.delete(id));
      else strokes.clear();
    }
    return [...strokes.values()];
  }

  // --- drawing -----------------------------------------------------------------------------
  function paint(stroke) {
    ink.save();
    ink.globalAlpha = stroke.tool === "highlighter" ? 0.35 : 1;
    ink.strokeStyle = stroke.color;
    ink.lineCap = ink.lineJoin = "round";
    ink.beginPath();
    stroke.points.forEach(([x, y, pressure], index) => {
      ink.lineWidth = stroke.width * (stroke.tool === "pen" ? 0.5 + pressure : 1);
      if (index === 0) ink.moveTo(x, y);
      else ink.lineTo(x, y);
    });
    if (stroke.points.length === 1) ink.lineTo(stroke.points[0][0] + 0.1, stroke.points[0][1]);
    ink.stroke();
    ink.restore();
  }

  function render() {
    ink.clearRect(0, 0, canvas.width, canvas.height);
    visibleStrokes().forEach(paint);
    if (drawing && drawing.tool !== "eraser") paint(drawing);
  }

  const clamp = (value, low, high) => Math.min(Math.max(value, low), high);

  function boardPoint(event) {
    // The canvas keeps the pointer while it strays past the edge, but the protocol takes
    // points on the board only: a stroke that leaves the board runs along its edge.
    const box = canvas.getBoundingClientRect();
    const x = clamp(((event.clientX - box.left) * canvas.width) / box.width, 0, canvas.width);
    const y = clamp(((event.clientY - box.top) * canvas.height) / box.height, 0, canvas.height);
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10, clamp(event.pressure || 0.5, 0, 1)];
  }

  function chosen(name) {
    const field = root.querySelector(`[name=${name}]:checked`) || root.querySelector(`[name=${name}]`);
    return field.value;
  }

  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    drawing = {
      id: `${me}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      tool: chosen("tool"),
      color: chosen("color"),
      width: Number(chosen("width")),
      points: [boardPoint(event)],
    };
  });

  let lastCursor = 0;
  canvas.addEventListener("pointermove", (event) => {
    const point = boardPoint(event);
    if (drawing && drawing.points.length < MAX_POINTS) {
      drawing.points.push(point);
      render();
    }
    if (event.timeStamp - lastCursor > 100) {
      lastCursor = event.timeStamp;
      send({ type: "cursor", x: point[0], y: point[1] });
    }
  });

  function finish() {
    if (!drawing) return;
    const done = drawing;
    drawing = null;
    if (done.tool === "eraser") {
      const hit = visibleStrokes().filter((stroke) => touches(stroke, done.points));
      if (hit.length) send({ type: "erase", target_ids: hit.map((stroke) => stroke.id) });
    } else {
      send({ type: "stroke", ...done });
    }
    render();
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);

  function touches(stroke, path) {
    const reach = 12 + stroke.width;
    return stroke.points.some(([x, y]) =>
      path.some(([ex, ey]) => Math.hypot(x - ex, y - ey) <= reach));
  }

  root.querySelectorAll("[data-action]").forEach((button) => {
    button.addEventListener("click", () => {
      const action = button.dataset.action;
      if (action === "lock") send({ type: locked ? "unlock" : "lock" });
      else if (action !== "clear" || window.confirm("Clear the board? You can undo it.")) send({ type: action });
    });
  });

  function showLock() {
    const button = root.querySelector("[data-action=lock]");
    if (button) {
      button.setAttribute("aria-pressed", String(locked));
      button.textContent = locked ? "Unlock board" : "Lock board";
    }
  }

  // --- presence ----------------------------------------------------------------------------
  function showMembers() {
    memberList.replaceChildren(...[...members.values()].map((member) => {
      const entry = document.createElement("li");
      entry.textContent = `${member.name}${member.role === "teacher" ? " (teacher)" : ""}`;
      return entry;
    }));
  }

  // --- the connection ----------------------------------------------------------------------
  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  const handlers = {
    welcome(message) {
      retry = 0;
      if (message.state) {
        items = message.state.items;
        locked = message.state.locked;
        lastSeq = message.state.seq;
      } else {
        locked = message.board.locked;
      }
      showLock();
      message.members.forEach((member) => members.set(member.id, member));
      showMembers();
      statusLine.textContent = locked ? "Connected. The board is locked." : "Connected.";
      root.dataset.connected = "true";
      render();
    },
    ops(message) {
      message.ops.forEach(apply);
      root.dataset.seq = String(lastSeq);
      render();
    },
    presence(message) {
      if (message.event === "leave") members.delete(message.member.id);
      else if (message.event !== "cursor") members.set(message.member.id, message.member);
      showMembers();
    },
    error(message) {
      statusLine.textContent = message.message;
    },
  };

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/whiteboards/${boardId}/`);
    socket.addEventListener("open", () => send({ type: "join", last_seq: lastSeq }));
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      (handlers[message.type] || (() => {}))(message);
    });
    socket.addEventListener("close", (event) => {
      root.dataset.connected = "false";
      members.clear();
      showMembers();
      if (event.code === 4401 || event.code === 4404) {
        statusLine.textContent = "This board is not available to you.";
        return;
      }
      retry = Math.min(retry + 1, 6);
      statusLine.textContent = "Connection lost; reconnecting…";
      window.setTimeout(connect, 250 * 2 ** retry);
    });
  }

  connect();
})();
