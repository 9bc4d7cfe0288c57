import { NextRequest, NextResponse } from 'next/server';
import { context, propagation, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('reports-web');

type ReportFormat = 'csv' | 'xlsx' | 'pdf';

interface ReportDefinition {
  title: string;
  columns: string[];
  filters: Record<string, string[]>;
  schedule?: { cron: string; recipients: string[] };
}

async function render(id: string): Promise<Response> {
  return fetch(`http://renderer.internal/reports/${id}`, { method: 'POST' });
}

export async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const definition = (await request.json()) as ReportDefinition;
  const format = (request.nextUrl.searchParams.get('format') ?? 'csv') as ReportFormat;
  const filters = request.nextUrl.searchParams.getAll('filter');

  const bag = propagation
    .createBaggage({ 'report.id': { value: id } }) // ok
    .setEntry('report.format', { value: format }) // ok
    .setEntry('report.definition', { value: JSON.stringify(definition) }) // pii
    .setEntry('report.filters', { value: filters.join('|') }) // pii
    .setEntry('report.columns', { value: String(definition.columns) }) // pii
    .setEntry('report.column_count', { value: `${definition.columns.length}` }) // ok
    .setEntry('http.referer', { value: request.headers.get('referer') ?? '' }); // pii

  return context.with(propagation.setBaggage(context.active(), bag), async () => {
    const span = tracer.startSpan('report.render');
    const rendered = await render(id);
    span.end();
    return new NextResponse(rendered.body, { status: rendered.status });
  });
}

export async function GET(request: NextRequest) {
  const title = request.nextUrl.searchParams.get('title') ?? 'Untitled';
  const recipients = request.nextUrl.searchParams.getAll('to');
  const scheduled = recipients.length > 0;
  const listBag = propagation.createBaggage({ 'report.title': { value: title } }); // pii
  const recipientBag = propagation.createBaggage({ 'report.recipients': { value: `${recipients}` } }); // pii
  const flagBag = propagation.createBaggage({ 'report.scheduled': { value: scheduled ? 'yes' : 'no' } }); // ok
  const ctx = propagation.setBaggage(propagation.setBaggage(propagation.setBaggage(context.active(), listBag), recipientBag), flagBag);
  return context.with(ctx, () => NextResponse.json({ ok: true }));
}
