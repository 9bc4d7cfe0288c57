'use strict';

const http = require('node:http');
const { WebSocketServer } = require('ws');
const { trace, metrics, SpanStatusCode } = require('@opentelemetry/api');

const tracer = trace.getTracer('telemed-signal');
const meter = metrics.getMeter('telemed-signal');
const connected = meter.createUpDownCounter('signal.peers');
const relayed = meter.createCounter('signal.messages');
const rooms = new Map();

meter.createObservableGauge('signal.rooms').addCallback((result) => {
  result.observe(rooms.size, { region: process.env.REGION || 'local' }); // ok
  for (const [roomId, members] of rooms) {
    result.observe(members.size, { room: roomId }); // ok
  }
});

function describePeer(req) {
  return req.socket.remoteAddress + ' ' + (req.headers['user-agent'] || '-');
}

function openRoom(roomId) {
  if (!rooms.has(roomId)) rooms.set(roomId, new Set());
  return rooms.get(roomId);
}

function checkRoom(roomId, who) {
  if (!rooms.has(roomId)) {
    throw new Error('consultation ' + roomId + ' is not open yet (waiting: ' + who + ')');
  }
}

const server = http.createServer((req, res) => {
  const span = tracer.startSpan('signal.http', { attributes: { 'http.request.method': req.method } }); // ok
  span.setAttribute('http.target', req.url || '/'); // pii
  if (req.url === '/healthz') {
    res.writeHead(200).end('ok');
  } else {
    res.writeHead(426).end();
  }
  span.end();
});

const wss = new WebSocketServer({ server });

wss.on('connection', (ws, req) => {
  const url = new URL(req.url || '/', 'http://signal.local');
  const room = url.searchParams.get('room') || '';
  const ticket = url.searchParams.get('t') || '';
  const role = url.searchParams.get('role') === 'clinician' ? 'clinician' : 'patient';
  const span = tracer.startSpan('signal.session', { attributes: { 'signal.room': room, 'signal.role': role } }); // ok
  span.setAttribute('signal.ticket', ticket); // pii
  span.setAttribute('signal.peer', describePeer(req)); // pii

  try {
    checkRoom(room, url.searchParams.get('display') || 'anonymous');
  } catch (e) {
    span.recordException(e); // pii
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'room_not_open' }); // ok
    ws.close(4404, 'room not open');
    span.end();
    return;
  }

  rooms.get(room).add(ws);
  connected.add(1, { role }); // ok

  ws.on('message', (data) => {
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    relayed.add(1, { type: ['offer', 'answer', 'ice', 'chat', 'vitals'].includes(msg.type) ? msg.type : 'other' }); // ok
    if (msg.type === 'offer' || msg.type === 'answer') {
      span.addEvent('sdp.' + msg.type, { bytes: String(msg.sdp || '').length }); // ok
    } else if (msg.type === 'ice') {
      span.addEvent('ice.candidate', { candidate: msg.candidate && msg.candidate.candidate }); // pii
    } else if (msg.type === 'chat') {
      span.addEvent('chat.message', { body: msg.text }); // pii
    } else if (msg.type === 'vitals') {
      const { hr, spo2, bp } = msg;
      span.addEvent('vitals.shared', { hr, spo2, bp }); // pii
    }
    for (const peer of rooms.get(room) || []) {
      if (peer !== ws && peer.readyState === 1) peer.send(data);
    }
  });

  ws.on('close', (code) => {
    const members = rooms.get(room);
    if (members) members.delete(ws);
    connected.add(-1, { role }); // ok
    span.setAttribute('ws.close_code', code); // ok
    span.end();
  });
});

server.listen(Number(process.env.PORT || 8443));

module.exports = { server, rooms, openRoom };
