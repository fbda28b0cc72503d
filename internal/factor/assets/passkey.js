// Passkeys: the only script of the portal. A form with data-passkey="create" or "get"
// carries the server's WebAuthn options in data-options; on submit the browser's
// authenticator answers, the answer goes into the hidden "response" field and the
// form is posted as any other (CSRF field included). Without this script the forms
// post no answer and the server says that passkeys need JavaScript.
(function () {
  "use strict";
  function toB64u(buf) {
    var s = "", b = new Uint8Array(buf);
    for (var i = 0; i < b.length; i++) { s += String.fromCharCode(b[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function fromB64u(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), b = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { b[i] = bin.charCodeAt(i); }
    return b.buffer;
  }
  function prepare(opts) {
    var pk = opts.publicKey;
    pk.challenge = fromB64u(pk.challenge);
    if (pk.user) { pk.user.id = fromB64u(pk.user.id); }
    [pk.excludeCredentials, pk.allowCredentials].forEach(function (list) {
      (list || []).forEach(function (c) { c.id = fromB64u(c.id); });
    });
    return pk;
  }
  function serialise(cred) {
    var r = cred.response, out = {
      id: cred.id, rawId: toB64u(cred.rawId), type: cred.type,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
      response: { clientDataJSON: toB64u(r.clientDataJSON) }
    };
    if (cred.authenticatorAttachment) { out.authenticatorAttachment = cred.authenticatorAttachment; }
    if (r.attestationObject) {
      out.response.attestationObject = toB64u(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = toB64u(r.authenticatorData);
      out.response.signature = toB64u(r.signature);
      if (r.userHandle) { out.response.userHandle = toB64u(r.userHandle); }
    }
    return out;
  }
  var forms = document.querySelectorAll("form[data-passkey]");
  Array.prototype.forEach.call(forms, function (f) {
    var failed = f.querySelector(".passkey-error");
    if (!window.PublicKeyCredential) {
      if (failed) { failed.hidden = false; }
      return;
    }
    f.addEventListener("submit", function (e) {
      if (f.getAttribute("data-sent") === "1") { return; }
      e.preventDefault();
      if (failed) { failed.hidden = true; }
      var opts = prepare(JSON.parse(f.getAttribute("data-options")));
      var p = f.getAttribute("data-passkey") === "create" ?
        navigator.credentials.create({ publicKey: opts }) : navigator.credentials.get({ publicKey: opts });
      p.then(function (cred) {
        f.querySelector("input[name=response]").value = JSON.stringify(serialise(cred));
        f.setAttribute("data-sent", "1");
        f.submit();
      }).catch(function () {
        if (failed) { failed.hidden = false; }
      });
    });
  });
})();
