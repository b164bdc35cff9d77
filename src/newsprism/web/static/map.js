/* newsprism serve: the Leaflet map, drawn in place of the server's SVG map (which stays for
   browsers without JavaScript, and when anything here fails).

   Each <figure class="map-figure" data-map-points="ID"> names a <script type="application/json"
   id="ID"> block of points [{lat, lon, label, link, count}]. Labels can be article text: they
   only ever go into the page through textContent, never as HTML (Leaflet would set a string
   popup as innerHTML, so popups get DOM nodes). Links are this app's own paths, and only
   those are made links. No tile server: the base layer is Natural Earth's country shapes,
   vendored as /static/vendor/countries-110m.geo.json, fetched once and cached by the browser. */
(function () {
  "use strict";

  var COUNTRIES = "/static/vendor/countries-110m.geo.json";
  var SINGLE_ZOOM = 5; // one point: a country's width around it
  var MAX_ZOOM = 7; // the shapes are 1:110m: closer only shows their corners
  var countries = null; // one fetch for every map of the page

  function countryShapes() {
    if (!countries) {
      countries = fetch(COUNTRIES, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("country shapes: HTTP " + r.status); }
        return r.json();
      });
    }
    return countries;
  }

  function ownPath(link) {
    return typeof link === "string" && /^\/(?!\/)[\w\-\/%.:]*(#[\w\-]*)?$/.test(link);
  }

  function label(point) {
    var box = document.createElement("div");
    var name = document.createElement(ownPath(point.link) ? "a" : "b");
    if (ownPath(point.link)) { name.setAttribute("href", point.link); }
    name.textContent = String(point.label || "?");
    box.appendChild(name);
    if (point.count > 1) {
      box.appendChild(document.createTextNode(" · " + point.count));
    }
    return box;
  }

  function readPoints(figure) {
    var block = document.getElementById(figure.getAttribute("data-map-points"));
    var points = block ? JSON.parse(block.textContent) : [];
    return points.filter(function (p) {
      return isFinite(p.lat) && isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;
    });
  }

  function draw(figure) {
    var points = readPoints(figure);
    if (!points.length) { return; }
    var holder = document.createElement("div");
    holder.className = "leaflet-map";
    holder.setAttribute("role", "region");
    var svg = figure.querySelector("svg");
    holder.setAttribute("aria-label", (svg && svg.getAttribute("aria-label")) || "map");
    figure.insertBefore(holder, figure.firstChild);
    var map = L.map(holder, { maxZoom: MAX_ZOOM, minZoom: 1, worldCopyJump: false });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution("Natural Earth");
    var dots = L.featureGroup(points.map(function (p) {
      var radius = 5 + Math.min(5, Math.log(1 + (p.count || 1)) * 1.5);
      return L.circleMarker([p.lat, p.lon], {
        radius: radius, color: "#fff", weight: 1.5, fillColor: "#c0392b", fillOpacity: 0.85,
        className: "np-point"
      }).bindPopup(label(p)).bindTooltip(label(p));
    })).addTo(map);
    if (points.length === 1) {
      map.setView([points[0].lat, points[0].lon], SINGLE_ZOOM);
    } else {
      map.fitBounds(dots.getBounds().pad(0.3), { maxZoom: SINGLE_ZOOM });
    }
    figure.classList.add("js-map"); // the SVG hides only once the map stands
    countryShapes().then(function (shapes) {
      L.geoJSON(shapes, {
        interactive: false, className: "np-country",
        style: { color: "#ffffff", weight: 0.8, fillColor: "#cfd8e3", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    }).catch(function (err) {
      console.warn("newsprism map: " + err.message); // the points still show
    });
  }

  function start() {
    if (typeof L === "undefined") { return; } // Leaflet did not load: the SVG stays
    var figures = document.querySelectorAll("figure.map-figure[data-map-points]");
    Array.prototype.forEach.call(figures, function (figure) {
      try {
        draw(figure);
      } catch (err) {
        var holder = figure.querySelector(".leaflet-map");
        if (holder) { holder.parentNode.removeChild(holder); }
        figure.classList.remove("js-map");
        console.warn("newsprism map: " + err.message);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
