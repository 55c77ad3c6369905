// Checks files before they are sent (type, size, name length, count) and
// shows upload progress. The server checks everything again and decides.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("files");
  var out = document.getElementById("file-check");
  var bar = document.getElementById("upload-progress");
  if (!form || !input || !window.FormData || !window.XMLHttpRequest) return;
  var sv = document.documentElement.lang === "sv";
  var allowed = ["pdf", "rtf", "doc", "docx"];
  var t = sv ? {
    count: "Välj högst fem filer åt gången.",
    type: ": filtypen är inte tillåten (PDF, RTF, DOC, DOCX).",
    size: ": filen är större än 5 MB.",
    empty: ": filen är tom.",
    name: ": filnamnet är längre än 45 tecken."
  } : {
    count: "Choose at most five files at a time.",
    type: ": this type of file is not allowed (PDF, RTF, DOC, DOCX).",
    size: ": the file is larger than 5 MB.",
    empty: ": the file is empty.",
    name: ": the file name is longer than 45 characters."
  };
  function problems() {
    var files = input.files, msgs = [];
    if (files.length > 5) msgs.push(t.count);
    for (var i = 0; i < files.length; i++) {
      var f = files[i], ext = f.name.split(".").pop().toLowerCase();
      if (allowed.indexOf(ext) < 0 || f.name.indexOf(".") < 0) msgs.push(f.name + t.type);
      else if (f.size === 0) msgs.push(f.name + t.empty);
      else if (f.size > 5 * 1024 * 1024) msgs.push(f.name + t.size);
      if (Array.from(f.name).length > 45) msgs.push(f.name + t.name);
    }
    return msgs;
  }
  input.addEventListener("change", function () {
    out.textContent = problems().join(" ");
  });
  form.addEventListener("submit", function (e) {
    var msgs = problems();
    if (msgs.length) {
      e.preventDefault();
      out.textContent = msgs.join(" ");
      input.focus();
      return;
    }
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) bar.value = Math.round((ev.loaded / ev.total) * 100);
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 200 && xhr.responseURL) {
        location.href = xhr.responseURL; // followed the redirect to the page to show
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () { form.submit(); });
    xhr.send(new FormData(form));
  });
})();
