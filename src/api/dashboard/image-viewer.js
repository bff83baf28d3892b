/* One screen image at a time, one channel at a time (GET /images/<id>.png?channel=<name>). A
 * multi-channel image also offers a composite, drawn here from its first three channels (blue,
 * green, red: DNA, tubulin, actin in BBBC021's order) so the server sends only grey PNGs. */
'use strict';

const COMPOSITE = '(composite)';

function imageUrl(id, channel) {
  return `/images/${encodeURIComponent(id)}.png?channel=${encodeURIComponent(channel)}`;
}

async function imageChannels(id) {
  const response = await fetch(`/images/${encodeURIComponent(id)}.png`, { method: 'HEAD' });
  if (!response.ok) throw new Error(response.status === 404 ? `no image ${id}` : `image ${id}: HTTP ${response.status}`);
  return response.headers.get('x-morphospace-channels').split(',');
}

function loadGrey(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`cannot load ${url}`));
    img.src = url;
  });
}

async function drawComposite(canvas, id, channels) {
  const planes = await Promise.all(channels.slice(0, 3).map((channel) => loadGrey(imageUrl(id, channel))));
  const { width, height } = planes[0];
  Object.assign(canvas, { width, height });
  const context = canvas.getContext('2d');
  const out = context.createImageData(width, height);
  out.data.fill(255);
  // channel 0 -> blue (offset 2), 1 -> green (1), 2 -> red (0)
  planes.forEach((plane, c) => {
    context.drawImage(plane, 0, 0);
    const grey = context.getImageData(0, 0, width, height).data;
    for (let i = 0; i < width * height; i += 1) out.data[i * 4 + 2 - c] = grey[i * 4];
  });
  for (let c = planes.length; c < 3; c += 1) for (let i = 0; i < width * height; i += 1) out.data[i * 4 + 2 - c] = 0;
  context.putImageData(out, 0, 0);
}

async function showImage(event) {
  if (event) event.preventDefault();
  const id = document.getElementById('image-id').value.trim();
  const picker = document.getElementById('image-channel');
  const view = document.getElementById('image-view');
  const note = document.getElementById('image-note');
  if (id === '') return;
  try {
    const channels = await imageChannels(id);
    const choices = channels.length > 1 ? [...channels, COMPOSITE] : channels;
    const previous = picker.value;
    picker.replaceChildren(...choices.map((name) => Object.assign(document.createElement('option'), { value: name, textContent: name })));
    if (choices.includes(previous)) picker.value = previous;
    picker.disabled = choices.length < 2;
    if (picker.value === COMPOSITE) {
      const canvas = document.createElement('canvas');
      await drawComposite(canvas, id, channels);
      view.replaceChildren(canvas);
    } else {
      view.replaceChildren(await loadGrey(imageUrl(id, picker.value)));
    }
    view.dataset.channel = picker.value;
    note.textContent = `image ${id}: ${picker.value}`;
  } catch (error) {
    view.replaceChildren();
    delete view.dataset.channel;
    note.textContent = error.message;
  }
}

document.getElementById('image-form').addEventListener('submit', showImage);
document.getElementById('image-channel').addEventListener('change', () => showImage());
