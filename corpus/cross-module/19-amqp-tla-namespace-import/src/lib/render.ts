import PQueue from 'p-queue';

const cpu = new PQueue({ concurrency: 1 });

export interface ReportRequest {
  reportId: string;
  kind: 'monthly' | 'weekly';
  tenant: string;
}

export async function renderPdf(req: ReportRequest): Promise<Buffer> {
  const pdf = await cpu.add(async () => Buffer.from(`%PDF-1.7\n% ${req.kind} report for ${req.tenant}\n`), { throwOnTimeout: true });
  return pdf;
}
