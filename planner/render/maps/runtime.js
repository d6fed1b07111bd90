// relos map runtime: builds the layers from the JSON payloads embedded by planner.render.maps.
(function () {
  var R = window.relos = window.relos || {};
  function renderer(map, name, z) {
    map._relosR = map._relosR || {};
    if (!map._relosR[name]) {
      if (!map.getPane(name)) { map.createPane(name); map.getPane(name).style.zIndex = z; }
      map._relosR[name] = L.canvas({pane: name, padding: 0.1});
    }
    return map._relosR[name];
  }
  R.data = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  R.setup = function (map, d) {
    var el = map.getContainer();
    el.style.background = d.sea;
    // minor place labels show from zoom 6 (class relos-zoom6 on the map container)
    function zoomClass() { L.DomUtil[map.getZoom() >= 6 ? 'addClass' : 'removeClass'](el, 'relos-zoom6'); }
    map.on('zoomend', zoomClass);
    if (d.bounds) { map.fitBounds(d.bounds, {padding: [20, 20]}); }
    zoomClass();
  };
  R.base = function (map, d) {
    var r = renderer(map, 'relosBase', 250);
    return L.geoJSON(d.fc, {renderer: r, interactive: false,
      style: function () { return {stroke: false, fillColor: d.fill, fillOpacity: 1}; }});
  };
  function shape(kind, c, size, stroke) {
    var s = size, h = s / 2, p;
    if (kind === 'triangle') {
      p = '<polygon points="' + h + ',1 ' + (s - 1) + ',' + (s - 1) + ' 1,' + (s - 1) + '"/>';
    } else if (kind === 'square') {
      p = '<rect x="2" y="2" width="' + (s - 4) + '" height="' + (s - 4) + '"/>';
    } else if (kind === 'ring') {
      p = '<circle cx="' + h + '" cy="' + h + '" r="' + (h - 2) + '" fill-opacity="0.15"/>';
    } else {
      p = '<circle cx="' + h + '" cy="' + h + '" r="' + (h - 1.5) + '"/>';
    }
    return '<svg width="' + s + '" height="' + s + '" fill="' + c + '" stroke="' + stroke +
      '" stroke-width="1.5">' + p + '</svg>';
  }
  R.shape = shape;
  R.points = function (map, d) {
    var g = L.featureGroup();
    d.pts.forEach(function (p) {
      var s = p.z || 14;
      var icon = L.divIcon({className: 'relos-fac', html: shape(p.k, p.c, s, p.o || '#222'),
        iconSize: [s, s], iconAnchor: [s / 2, s / 2], popupAnchor: [0, -s / 2]});
      var m = L.marker([p.y, p.x], {icon: icon, keyboard: false});
      if (p.p) { m.bindPopup(p.p, {maxWidth: 360}); }
      if (p.l) {  // a permanent label; minor ones (lz) only when zoomed in
        var left = p.k === 'triangle';  // air bases labelled to the left, ports to the right
        m.bindTooltip(p.l, {permanent: true, direction: left ? 'left' : 'right',
          offset: [left ? -s / 2 : s / 2, 0],
          className: 'relos-label' + (p.lz ? ' relos-minor' : ''), interactive: false});
      } else if (p.t) { m.bindTooltip(p.t); }
      g.addLayer(m);
    });
    return g;
  };
  R.legs = R.legs || [];
  function cumulative(ll) {
    var c = [0];
    for (var i = 1; i < ll.length; i++) {
      var a = ll[i - 1], b = ll[i], k = Math.cos((a[0] + b[0]) * Math.PI / 360);
      var dx = (b[1] - a[1]) * k, dy = b[0] - a[0];
      c.push(c[i - 1] + Math.sqrt(dx * dx + dy * dy));
    }
    return c;
  }
  function arrows(map, r, heads, styles) {
    // one filled multi-polygon per style: small triangles at mid-leg pointing along the
    // bearing, recomputed in screen pixels on every zoom (cheap: no DOM marker per leg)
    var keys = Object.keys(heads), polys = {};
    function tri(h) {
      var p = map.latLngToLayerPoint([h.m[1], h.m[0]]), b = h.b * Math.PI / 180;
      var fx = Math.sin(b), fy = -Math.cos(b), sx = -fy, sy = fx;
      return [map.layerPointToLatLng([p.x + 7 * fx, p.y + 7 * fy]),
              map.layerPointToLatLng([p.x - 5 * fx + 5 * sx, p.y - 5 * fy + 5 * sy]),
              map.layerPointToLatLng([p.x - 5 * fx - 5 * sx, p.y - 5 * fy - 5 * sy])];
    }
    function rings(k) { return heads[k].map(function (h) { return [tri(h)]; }); }
    keys.forEach(function (k) {
      polys[k] = L.polygon(rings(k), {renderer: r, stroke: false, fill: true,
        fillColor: styles[k].color, fillOpacity: 0.95, interactive: false});
    });
    map.on('zoomend', function () {
      keys.forEach(function (k) { polys[k].setLatLngs(rings(k)); });
    });
    return keys.map(function (k) { return polys[k]; });
  }
  R.geo = function (map, d) {
    var r = renderer(map, d.pane || 'relosLines', d.z || 400);
    var g = L.featureGroup(), heads = {};
    var gj = L.geoJSON(d.fc, {
      renderer: r,
      style: function (f) { return d.styles[f.properties.s]; },
      onEachFeature: function (f) {
        var q = f.properties;
        if (q.i !== undefined && q.t0 !== null && q.t1 !== null) {
          var ll = f.geometry.coordinates.map(function (x) { return [x[1], x[0]]; });
          if (q.r) { ll.reverse(); }  // drawn west to east; travelled the other way
          R.legs[q.i] = {a: q.a, t0: q.t0 * 60000, t1: q.t1 * 60000, ll: ll, c: cumulative(ll)};
        }
        if (q.b !== undefined) { (heads[q.s] = heads[q.s] || []).push(q); }
      }
    });
    var T = d.legs;  // leg layers: popups built from compact fields + escaped tables
    gj.bindPopup(function (l) {
      return T ? R.legPopup(l.feature.properties, T) : l.feature.properties.p || '';
    }, {maxWidth: 380});
    gj.bindTooltip(function (l) {
      return T ? R.legTip(l.feature.properties, T) : l.feature.properties.t || '';
    }, {sticky: true});
    g.addLayer(gj);
    arrows(map, r, heads, d.styles).forEach(function (a) { g.addLayer(a); });
    return g;
  };
  function row(k, v) { return '<tr><td>' + k + '</td><td>' + v + '</td></tr>'; }
  function when(min) {
    return new Date(min * 60000).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
  }
  function num(x) { return x.toLocaleString('en-US'); }
  // every string in T and q.ps/q.cc was HTML-escaped in Python (planner.maps.leg_features)
  R.legPopup = function (q, T) {
    return T.heads[q.a] + '<table class="relos-popup">' +
      row('leg', T.places[q.f] + ' \u2192 ' + T.places[q.o]) +
      row('mode', q.s.indexOf('air|') === 0 ? 'air' : 'sea') +
      (q.t0 !== null ? row('depart', when(q.t0)) : '') +
      (q.t1 !== null ? row('arrive', when(q.t1)) : '') +
      row('distance', num(q.d[0]) + ' nm (' + num(q.d[1]) + ' km)') +
      (q.ps ? row('passages', q.ps) : '') + (q.cc ? row('countries crossed', q.cc) : '') +
      '</table>';
  };
  R.legTip = function (q, T) {
    return T.names[q.a] + ': ' + T.places[q.f] + ' \u2192 ' + T.places[q.o];
  };
  R.findings = function (map, d) {
    var g = R.geo(map, {fc: d.lines, styles: d.styles, pane: 'relosFindings', z: 450});
    R.points(map, {pts: d.pts}).eachLayer(function (l) { g.addLayer(l); });
    return g;
  };
  R.panel = function (map, d) {
    var c = L.control({position: d.pos});
    c.onAdd = function () {
      var div = L.DomUtil.create('div', 'relos-panel ' + (d.cls || ''));
      div.innerHTML = d.html;
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    c.addTo(map);
    return c;
  };
  function at(leg, t) {
    var f = (t - leg.t0) / Math.max(leg.t1 - leg.t0, 1), c = leg.c, L1 = c[c.length - 1] * f;
    for (var i = 1; i < c.length; i++) {
      if (c[i] >= L1) {
        var s = c[i] > c[i - 1] ? (L1 - c[i - 1]) / (c[i] - c[i - 1]) : 0;
        var a = leg.ll[i - 1], b = leg.ll[i];
        return [a[0] + s * (b[0] - a[0]), a[1] + s * (b[1] - a[1])];
      }
    }
    return leg.ll[leg.ll.length - 1];
  }
  function where(track, t) {
    if (!track.length) { return null; }
    if (t < track[0].t0) { return track[0].ll[0]; }
    for (var i = 0; i < track.length; i++) {
      var l = track[i];
      if (t < l.t0) { return track[i - 1].ll[track[i - 1].ll.length - 1]; }
      if (t < l.t1) { return at(l, t); }
    }
    var last = track[track.length - 1];
    return last.ll[last.ll.length - 1];
  }
  R.where = where;
  R.timeline = function (map, d) {
    var g = L.featureGroup(), tracks = d.assets.map(function () { return []; });
    R.legs.forEach(function (l) { if (l && tracks[l.a]) { tracks[l.a].push(l); } });
    tracks.forEach(function (t) { t.sort(function (x, y) { return x.t0 - y.t0; }); });
    var marks = d.assets.map(function (a) {
      return L.circleMarker([0, 0], {radius: 6, color: '#000', weight: 1.5,
        fillColor: a.c, fillOpacity: 1}).bindTooltip(a.n);
    });
    var label;
    function update(t) {
      marks.forEach(function (m, i) {
        var p = where(tracks[i], t);
        if (p) { m.setLatLng(p); if (!g.hasLayer(m)) { g.addLayer(m); } }
        else if (g.hasLayer(m)) { g.removeLayer(m); }
      });
      if (label) {
        label.textContent = new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
      }
    }
    var c = L.control({position: 'bottomleft'});
    c.onAdd = function () {
      var div = L.DomUtil.create('div', 'relos-panel relos-time');
      var inp = L.DomUtil.create('input', '', div);
      inp.type = 'range'; inp.min = d.t0; inp.max = d.t1; inp.step = d.step; inp.value = d.t0;
      inp.title = 'time (UTC)';
      label = L.DomUtil.create('span', '', div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.on(inp, 'input', function () { update(+inp.value * 1000); });
      return div;
    };
    c.addTo(map);
    update(d.t0 * 1000);
    g.relosUpdate = update;
    return g;
  };
})();
