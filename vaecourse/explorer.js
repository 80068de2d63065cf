/* Latent explorers of the VAE course: a decoder that runs in the reader's browser.
 *
 * Written by vaecourse/explorer.py into a cell output, once per page, as a classic script:
 * no modules, no fetch, so a page opened from disk (file://) works too. The decoder's
 * weights arrive in the page as base64 of gzip-compressed arrays, unpacked by the
 * browser's own DecompressionStream: integers (zigzag codes, low bytes then high bytes)
 * with one float32 step per slice of the kernel's last axis, and float32 biases. Layers:
 * Dense, Reshape, Conv2DTranspose (3×3, stride 2, "same") and Conv2D (3×3, stride 1,
 * "same"), with ReLU, sigmoid or no activation. A VQ-VAE's decoder reads a grid
 * (spec.input_shape) of codebook vectors: Decoder.decodeCodes looks the codes up first.
 */
(function () {
  "use strict";
  if (window.VaeExplorer) return;

  function bytes(b64) {
    const text = atob(b64);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  /* base64 of gzip-compressed bytes -> their ArrayBuffer (no fetch: works from file://). */
  function unpack(b64) {
    const stream = new Blob([bytes(b64)]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }

  /* Zigzag codes stored as all low bytes, then all high bytes -> signed integers. */
  function zigzag(buffer) {
    const b = new Uint8Array(buffer), n = b.length / 2, out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = b[i] | (b[n + i] << 8);
      out[i] = (v >>> 1) ^ -(v & 1);
    }
    return out;
  }

  /* The data's packed arrays, unpacked: kernels (integers), floats, codes, labels, images. */
  async function unpackAll(data) {
    const out = Object.assign({}, data);
    const [kernels, floats] = await Promise.all([unpack(data.kernels), unpack(data.floats)]);
    out.kernels = zigzag(kernels);
    out.floats = new Float32Array(floats);
    if (data.codes) {
      const q = new Uint16Array(await unpack(data.codes)), b = data.box;
      out.codes = new Float32Array(q.length);
      for (let i = 0; i < q.length; i += 2) {
        out.codes[i] = b[0] + (q[i] / 65535) * (b[1] - b[0]);
        out.codes[i + 1] = b[2] + (q[i + 1] / 65535) * (b[3] - b[2]);
      }
    }
    if (data.labels) out.labels = new Uint8Array(await unpack(data.labels));
    if (data.images) out.images = new Uint8Array(await unpack(data.images));
    if (data.class_biases) {
      out.class_biases = new Float32Array(await unpack(data.class_biases));
    }
    if (data.codebook) out.codebook = new Float32Array(await unpack(data.codebook));
    if (data.prototypes) out.prototypes = new Uint8Array(await unpack(data.prototypes));
    if (data.grids) out.grids = new Uint8Array(await unpack(data.grids));
    return out;
  }

  function activate(values, name) {
    if (name === "relu") {
      for (let i = 0; i < values.length; i++) if (values[i] < 0) values[i] = 0;
    } else if (name === "sigmoid") {
      for (let i = 0; i < values.length; i++) values[i] = 1 / (1 + Math.exp(-values[i]));
    } else if (name !== "linear") {
      throw new Error("explorer: unknown activation " + name);
    }
    return values;
  }

  /* The decoder: spec.layers, the integer kernels and the float32 steps and biases. */
  function Decoder(spec, kernels, floats, codebook) {
    this.layers = spec.layers.map(function (layer) {
      const out = Object.assign({}, layer);
      if (layer.kernel) {
        const k = layer.kernel;
        const size = k.shape.reduce(function (a, b) { return a * b; }, 1);
        const last = k.shape[k.shape.length - 1];
        const scales = floats.subarray(k.scales, k.scales + last);
        const w = new Float32Array(size);
        for (let i = 0; i < size; i++) w[i] = kernels[k.offset + i] * scales[i % last];
        out.w = w;
        out.b = floats.subarray(layer.bias, layer.bias + layer.units);
      }
      return out;
    });
    this.latentDim = spec.latent_dim;
    this.inputShape = spec.input_shape || null;  // a grid: read flat, row-major
    this.codebook = codebook || null;
    this.codeDim = spec.code_dim || 0;
  }

  /* A grid of codes (row-major integers) -> their codebook vectors -> the decoder. */
  Decoder.prototype.decodeCodes = function (codes) {
    const d = this.codeDim, x = new Float32Array(codes.length * d);
    for (let i = 0; i < codes.length; i++) {
      x.set(this.codebook.subarray(codes[i] * d, (codes[i] + 1) * d), i * d);
    }
    return this.decode(x);
  };

  Decoder.prototype.decode = function (z) {
    let x = Float32Array.from(z);
    let shape = this.inputShape ? this.inputShape.slice() : [x.length];
    for (const layer of this.layers) {
      if (layer.type === "Dense") {
        const n = shape[0], m = layer.units, w = layer.w, y = new Float32Array(m);
        for (let j = 0; j < m; j++) y[j] = layer.b[j];
        for (let i = 0; i < n; i++) {
          const xi = x[i];
          if (xi === 0) continue;
          const row = i * m;
          for (let j = 0; j < m; j++) y[j] += xi * w[row + j];
        }
        x = activate(y, layer.activation);
        shape = [m];
      } else if (layer.type === "Reshape") {
        shape = layer.target_shape.slice();
      } else if (layer.type === "Conv2DTranspose") {
        // kernel (3, 3, out, in); out[2i + ky, 2j + kx, o] += in[i, j, c] · k[ky, kx, o, c]
        const [h, wd, cin] = shape, cout = layer.units, H = 2 * h, W = 2 * wd;
        const y = new Float32Array(H * W * cout), k = layer.w;
        for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) {
          const base = (i * wd + j) * cin;
          for (let ky = 0; ky < 3; ky++) {
            const oy = 2 * i + ky;
            if (oy >= H) continue;
            for (let kx = 0; kx < 3; kx++) {
              const ox = 2 * j + kx;
              if (ox >= W) continue;
              const obase = (oy * W + ox) * cout, kbase = (ky * 3 + kx) * cout * cin;
              for (let o = 0; o < cout; o++) {
                let s = 0;
                const kro = kbase + o * cin;
                for (let c = 0; c < cin; c++) s += x[base + c] * k[kro + c];
                y[obase + o] += s;
              }
            }
          }
        }
        for (let p = 0; p < H * W; p++) for (let o = 0; o < cout; o++) y[p * cout + o] += layer.b[o];
        x = activate(y, layer.activation);
        shape = [H, W, cout];
      } else if (layer.type === "Conv2D") {
        // kernel (3, 3, in, out), stride 1, zero padding of 1
        const [h, wd, cin] = shape, cout = layer.units, k = layer.w;
        const y = new Float32Array(h * wd * cout);
        for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) {
          const obase = (i * wd + j) * cout;
          for (let o = 0; o < cout; o++) y[obase + o] = layer.b[o];
          for (let ky = 0; ky < 3; ky++) {
            const iy = i + ky - 1;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < 3; kx++) {
              const ix = j + kx - 1;
              if (ix < 0 || ix >= wd) continue;
              const ibase = (iy * wd + ix) * cin, kbase = (ky * 3 + kx) * cin * cout;
              for (let c = 0; c < cin; c++) {
                const xc = x[ibase + c], kc = kbase + c * cout;
                for (let o = 0; o < cout; o++) y[obase + o] += xc * k[kc + o];
              }
            }
          }
        }
        x = activate(y, layer.activation);
        shape = [h, wd, cout];
      } else {
        throw new Error("explorer: unknown layer " + layer.type);
      }
    }
    return x;
  };

  function drawDigit(canvas, pixels) {
    const ctx = canvas.getContext("2d");
    const image = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(255 * (1 - Math.min(1, Math.max(0, pixels[i]))));
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }

  function fmt(v) { return (v < 0 ? "−" : "") + Math.abs(v).toFixed(2); }

  /* The latent plane: test codes coloured by digit, a draggable point, and its decoding. */
  function Plane(root, data) {
    const self = this;
    this.root = root;
    this.data = data;
    this.decoder = new Decoder(data.spec, data.kernels, data.floats);
    this.codes = data.codes;
    this.labels = data.labels;
    this.canvas = root.querySelector(".vx-plane");
    this.digit = root.querySelector(".vx-digit");
    this.readout = root.querySelector(".vx-readout");
    this.box = data.box;  // [x from, x to, y from, y to] of the drawn square
    // Home: the middle of the square (the origin when it is centred; the help says which).
    this.home = [(this.box[0] + this.box[1]) / 2, (this.box[2] + this.box[3]) / 2];
    this.point = this.home.slice();
    this.draw();
    const toLatent = function (event) {
      const r = self.canvas.getBoundingClientRect();
      const u = (event.clientX - r.left) / r.width, v = (event.clientY - r.top) / r.height;
      const b = self.box;
      return [b[0] + u * (b[1] - b[0]), b[3] - v * (b[3] - b[2])];
    };
    let dragging = false;
    this.canvas.addEventListener("pointerdown", function (e) {
      dragging = true;
      self.canvas.setPointerCapture(e.pointerId);
      self.canvas.focus();
      self.moveTo(toLatent(e));
    });
    this.canvas.addEventListener("pointermove", function (e) {
      if (dragging) self.moveTo(toLatent(e));
    });
    const stop = function () { dragging = false; };
    this.canvas.addEventListener("pointerup", stop);
    this.canvas.addEventListener("pointercancel", stop);
    this.canvas.addEventListener("keydown", function (e) {
      const step = (e.shiftKey ? 0.125 : 0.025) * (self.box[1] - self.box[0]);
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (e.key === "Home") { self.moveTo(self.home); e.preventDefault(); return; }
      const m = moves[e.key];
      if (!m) return;
      e.preventDefault();
      self.moveTo([self.point[0] + m[0], self.point[1] + m[1]]);
    });
    this.moveTo(this.home);
  }

  Plane.prototype.toCanvas = function (x, y) {
    const s = this.canvas.width, b = this.box;
    return [(x - b[0]) / (b[1] - b[0]) * s, (b[3] - y) / (b[3] - b[2]) * s];
  };

  Plane.prototype.draw = function () {
    const ctx = this.canvas.getContext("2d"), s = this.canvas.width;
    if (!this.background) {
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, s, s);
      ctx.strokeStyle = "#d0d0d0";
      ctx.beginPath();
      const [cx, cy] = this.toCanvas(0, 0);  // the axes, if inside the box
      ctx.moveTo(cx, 0); ctx.lineTo(cx, s); ctx.moveTo(0, cy); ctx.lineTo(s, cy);
      ctx.stroke();
      for (let i = 0; i < this.labels.length; i++) {
        const [px, py] = this.toCanvas(this.codes[2 * i], this.codes[2 * i + 1]);
        ctx.fillStyle = this.data.colours[this.labels[i]];
        ctx.fillRect(px - 1, py - 1, 2.5, 2.5);
      }
      this.background = ctx.getImageData(0, 0, s, s);
    } else {
      ctx.putImageData(this.background, 0, 0);
    }
    const [px, py] = this.toCanvas(this.point[0], this.point[1]);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#000000";
    ctx.beginPath(); ctx.arc(px, py, 9, 0, 2 * Math.PI); ctx.stroke();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = "#ffffff";
    ctx.beginPath(); ctx.arc(px, py, 7, 0, 2 * Math.PI); ctx.stroke();
  };

  Plane.prototype.nearest = function (x, y) {
    let best = -1, bestD = Infinity;
    for (let i = 0; i < this.labels.length; i++) {
      const dx = this.codes[2 * i] - x, dy = this.codes[2 * i + 1] - y, d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = i; }
    }
    return best;
  };

  Plane.prototype.moveTo = function (p) {
    const b = this.box;
    this.point = [Math.max(b[0], Math.min(b[1], p[0])), Math.max(b[2], Math.min(b[3], p[1]))];
    const started = performance.now();
    this.pixels = this.decoder.decode(this.point);
    this.lastDecodeMs = performance.now() - started;
    drawDigit(this.digit, this.pixels);
    this.draw();
    const near = this.nearest(this.point[0], this.point[1]);
    this.readout.textContent = "z = (" + fmt(this.point[0]) + ", " + fmt(this.point[1]) +
      "); the nearest test image there is a " + this.labels[near] + ".";
  };

  /* Sliders over every latent dimension, and the decoding. */
  function Sliders(root, data) {
    const self = this;
    this.root = root;
    this.decoder = new Decoder(data.spec, data.kernels, data.floats);
    this.inputs = Array.from(root.querySelectorAll("input[type=range]"));
    this.digit = root.querySelector(".vx-digit");
    this.readout = root.querySelector(".vx-readout");
    this.inputs.forEach(function (input) {
      input.addEventListener("input", function () { self.update(); });
    });
    this.update();
  }

  Sliders.prototype.update = function () {
    const z = this.inputs.map(function (input) { return parseFloat(input.value); });
    const started = performance.now();
    this.pixels = this.decoder.decode(z);
    this.lastDecodeMs = performance.now() - started;
    drawDigit(this.digit, this.pixels);
    // Each slider's value is shown in the <output> beside its label.
    this.inputs.forEach(function (input) {
      const shown = input.closest("p").querySelector("output");
      if (shown) shown.textContent = fmt(parseFloat(input.value));
    });
    this.readout.textContent = "z = (" + z.map(fmt).join(", ") + ")";
  };

  /* Two test digits picked on the plane, and the path between them at t. */
  function Path(root, data) {
    const self = this;
    Plane.call(this, root, data);
    this.images = data.images;
    this.pick = [data.start[0], data.start[1]];
    this.next = 0;
    this.blend = root.querySelector(".vx-blend");
    this.slider = root.querySelector("input.vx-t");
    this.selects = Array.from(root.querySelectorAll("select"));
    this.selects.forEach(function (select, k) {
      select.value = String(self.pick[k]);
      select.addEventListener("change", function () {
        self.pick[k] = parseInt(select.value, 10);
        self.update();
      });
    });
    this.slider.addEventListener("input", function () { self.update(); });
    this.update();
  }
  Path.prototype = Object.create(Plane.prototype);

  // A click (or Enter on the plane) picks the test digit nearest to the point, as A then B.
  Path.prototype.moveTo = function (p) {
    this.point = p;
    if (!this.images) return;  // during Plane's constructor
    const near = this.nearest(p[0], p[1]);
    this.pick[this.next] = near;
    this.selects[this.next].value = String(near);
    this.next = 1 - this.next;
    this.update();
  };

  Path.prototype.update = function () {
    const t = parseFloat(this.slider.value), a = this.pick[0], b = this.pick[1];
    const za = [this.codes[2 * a], this.codes[2 * a + 1]];
    const zb = [this.codes[2 * b], this.codes[2 * b + 1]];
    const z = [(1 - t) * za[0] + t * zb[0], (1 - t) * za[1] + t * zb[1]];
    this.point = z;
    const started = performance.now();
    this.pixels = this.decoder.decode(z);
    this.lastDecodeMs = performance.now() - started;
    drawDigit(this.digit, this.pixels);
    const blend = new Float32Array(784);
    for (let i = 0; i < 784; i++) {
      blend[i] = ((1 - t) * this.images[784 * a + i] + t * this.images[784 * b + i]) / 255;
    }
    drawDigit(this.blend, blend);
    this.draw();
    const ctx = this.canvas.getContext("2d");
    const [ax, ay] = this.toCanvas(za[0], za[1]), [bx, by] = this.toCanvas(zb[0], zb[1]);
    ctx.strokeStyle = "#000000";
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(ax, ay); ctx.lineTo(bx, by); ctx.stroke();
    this.readout.textContent = "From a " + this.labels[a] + " (A) to a " + this.labels[b] +
      " (B), t = " + t.toFixed(2) + ": z = (" + fmt(z[0]) + ", " + fmt(z[1]) + ").";
  };

  /* The plane of a conditional decoder, and a menu of the digit classes: the decoder is
   * shared, and a class only swaps its first Dense layer's bias (data.class_biases). */
  function ClassPlane(root, data) {
    const self = this;
    this.select = root.querySelector("select.vx-class");
    this.klass = data.start_class || 0;
    this.classBiases = data.class_biases;
    Plane.call(this, root, data);
    this.select.value = String(this.klass);
    this.select.addEventListener("change", function () {
      self.setClass(parseInt(self.select.value, 10));
    });
  }
  ClassPlane.prototype = Object.create(Plane.prototype);

  ClassPlane.prototype.setClass = function (c) {
    this.klass = c;
    this.select.value = String(c);
    this.moveTo(this.point);
  };

  ClassPlane.prototype.moveTo = function (p) {
    // The chosen class is the first Dense layer's bias; then the plane's own move.
    const first = this.decoder.layers.find(function (layer) { return layer.w; });
    const n = first.units;
    first.b = this.classBiases.subarray(this.klass * n, (this.klass + 1) * n);
    Plane.prototype.moveTo.call(this, p);
    this.readout.textContent = "z = (" + fmt(this.point[0]) + ", " + fmt(this.point[1]) +
      "), drawn as the digit " + this.klass + ".";
  };

  /* A VQ-VAE's grid of codes, painted from a palette of the codebook, and its digit. */
  function CodeGrid(root, data) {
    const self = this;
    this.root = root;
    this.data = data;
    this.decoder = new Decoder(data.spec, data.kernels, data.floats, data.codebook);
    this.rows = data.spec.input_shape[0];
    this.cols = data.spec.input_shape[1];
    const n = this.rows * this.cols, k = data.spec.num_codes;
    this.grids = data.grids;
    this.labels = data.labels;
    this.cells = Array.from(root.querySelectorAll(".vx-cell"));
    this.radios = Array.from(root.querySelectorAll(".vx-swatch input"));
    this.select = root.querySelector("select.vx-from");
    this.digit = root.querySelector(".vx-digit");
    this.readout = root.querySelector(".vx-readout");
    this.chosenText = root.querySelector(".vx-chosen");
    this.codes = new Int32Array(n);
    this.cursor = 0;
    // Each swatch draws its prototype; a cell's grey is the prototype's mean ink.
    this.ink = new Float32Array(k);
    this.radios.forEach(function (radio, c) {
      const pixels = new Float32Array(784);
      let sum = 0;
      for (let i = 0; i < 784; i++) {
        pixels[i] = data.prototypes[784 * c + i] / 255;
        sum += pixels[i];
      }
      self.ink[c] = sum / 784;
      drawDigit(radio.nextElementSibling, pixels);
      radio.addEventListener("change", function () {
        if (radio.checked) self.choose(c);
      });
      // The swatches are rows of 8: up and down move by a row, as they look.
      radio.addEventListener("keydown", function (e) {
        const columns = 8;
        const to = e.key === "ArrowUp" ? c - columns : e.key === "ArrowDown" ? c + columns : -1;
        if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
        e.preventDefault();
        if (to < 0 || to >= k) return;
        self.radios[to].checked = true;
        self.radios[to].focus();
        self.choose(to);
      });
    });
    this.chosen = data.chosen || 0;
    this.cells.forEach(function (cell, i) {
      cell.addEventListener("click", function () { self.paint(i); });
      cell.addEventListener("keydown", function (e) {
        const r = Math.floor(i / self.cols), c = i % self.cols;
        const moves = {
          ArrowLeft: [r, c - 1], ArrowRight: [r, c + 1], ArrowUp: [r - 1, c], ArrowDown: [r + 1, c],
          Home: [r, 0], End: [r, self.cols - 1],
        };
        const m = moves[e.key];
        if (!m) return;
        e.preventDefault();
        if (m[0] < 0 || m[0] >= self.rows || m[1] < 0 || m[1] >= self.cols) return;
        self.moveCursor(m[0] * self.cols + m[1]);
        self.cells[self.cursor].focus();
      });
    });
    this.select.addEventListener("change", function () {
      self.load(parseInt(self.select.value, 10));
    });
    root.querySelector("button.vx-reset").addEventListener("click", function () {
      self.load(parseInt(self.select.value, 10));
    });
    this.moveCursor(0);
    this.load(data.start || 0);
  }

  CodeGrid.prototype.choose = function (c) {
    this.chosen = c;
    this.chosenText.textContent = String(c);
  };

  /* The grid's one cell in the tab order (the others are reached with the arrow keys). */
  CodeGrid.prototype.moveCursor = function (i) {
    this.cursor = i;
    this.cells.forEach(function (cell, j) { cell.tabIndex = j === i ? 0 : -1; });
  };

  CodeGrid.prototype.showCell = function (i) {
    const cell = this.cells[i], c = this.codes[i];
    const grey = Math.round(255 * (1 - Math.min(1, this.ink[c])));
    const g = grey / 255, lin = g <= 0.04045 ? g / 12.92 : Math.pow((g + 0.055) / 1.055, 2.4);
    cell.textContent = String(c);
    cell.style.background = "rgb(" + grey + "," + grey + "," + grey + ")";
    // Black or white numbers, whichever contrasts more with the grey (at least 4.5:1).
    cell.style.color = lin > 0.179 ? "#000000" : "#ffffff";
    cell.setAttribute("aria-label", "Row " + (Math.floor(i / this.cols) + 1) + ", column " +
      (i % this.cols + 1) + ": code " + c);
  };

  CodeGrid.prototype.update = function () {
    const started = performance.now();
    this.pixels = this.decoder.decodeCodes(this.codes);
    this.lastDecodeMs = performance.now() - started;
    drawDigit(this.digit, this.pixels);
  };

  CodeGrid.prototype.load = function (g) {
    const n = this.codes.length;
    this.grid = g;
    this.select.value = String(g);
    for (let i = 0; i < n; i++) {
      this.codes[i] = this.grids[g * n + i];
      this.showCell(i);
    }
    this.update();
    this.readout.textContent = "The codes of test digit " + (g + 1) + ", a " + this.labels[g] +
      ": the digit is its reconstruction.";
  };

  CodeGrid.prototype.paint = function (i) {
    const before = this.codes[i];
    this.moveCursor(i);
    this.codes[i] = this.chosen;
    this.showCell(i);
    this.update();
    this.readout.textContent = "Row " + (Math.floor(i / this.cols) + 1) + ", column " +
      (i % this.cols + 1) + ": code " + this.chosen + " (was " + before + ").";
  };

  /* Paints ``codes`` (row-major) at once, and redraws: for the tests and the curious. */
  CodeGrid.prototype.setCodes = function (codes) {
    for (let i = 0; i < this.codes.length; i++) {
      this.codes[i] = codes[i];
      this.showCell(i);
    }
    this.update();
  };

  /* The controls come disabled (vaecourse/explorer.py): until the decoder runs they would
   * do nothing. Enabled, the focusable plane joins the tab order. */
  function enable(root) {
    root.querySelectorAll("input, select, button:not(.vx-start)").forEach(function (c) {
      c.disabled = false;
    });
    root.querySelectorAll("canvas.vx-plane").forEach(function (c) {
      if (c.getAttribute("role") === "application") {
        c.removeAttribute("aria-disabled");
        c.tabIndex = 0;
        c.style.cursor = "crosshair";
      } else {
        c.style.cursor = "pointer";
      }
    });
  }

  const kinds = {
    plane: Plane, sliders: Sliders, path: Path, conditional: ClassPlane, codes: CodeGrid,
  };
  window.VaeExplorer = {
    instances: [],
    Decoder: Decoder,
    /* Unpacks the data, then starts the explorer; resolves to it. */
    start: async function (id, data) {
      const root = document.getElementById(id);
      if (typeof DecompressionStream === "undefined") {
        const note = root.querySelector(".vx-readout");
        if (note) note.textContent = "This browser cannot unpack the decoder " +
          "(it lacks DecompressionStream); a current Chrome, Edge, Firefox or Safari can.";
        return null;
      }
      const explorer = new kinds[data.kind](root, await unpackAll(data));
      explorer.model = data.model;
      explorer.id = id;
      enable(root);
      window.VaeExplorer.instances.push(explorer);
      return explorer;
    },
  };
})();
