import { channel, REPORTS, RESULTS } from '../rabbit.js';
import { renderPdf, type ReportRequest } from '../lib/render.js';

export async function startReportConsumer(): Promise<void> {
  await channel.prefetch(1);
  await channel.consume(REPORTS, async (msg) => {
    if (!msg) return;
    const req = JSON.parse(msg.content.toString()) as ReportRequest;
    try {
      const pdf = await renderPdf(req);
      channel.publish(RESULTS, '', pdf, { contentType: 'application/pdf', headers: { reportId: req.reportId } }, (err) => {
        if (err) console.error('result not confirmed', req.reportId, err);
      });
      channel.ack(msg);
    } catch {
      channel.nack(msg, false, true);
    }
  });
}
