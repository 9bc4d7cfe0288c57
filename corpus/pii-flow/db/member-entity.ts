import { Entity, PrimaryGeneratedColumn, Column, type Repository } from 'typeorm';
import { trace, metrics } from '@opentelemetry/api';
import { fingerprint } from '../shared/hash.js';

const tracer = trace.getTracer('members');
const verifications = metrics.getMeter('members').createCounter('members.verified');

@Entity('members')
export class Member {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column()
  email!: string;

  @Column()
  displayName!: string;

  @Column({ nullable: true })
  passportNumber?: string;

  @Column({ default: false })
  verified!: boolean;

  @Column({ type: 'int', default: 0 })
  loginCount!: number;

  @Column({ nullable: true })
  lastLoginIp?: string;
}

export class MemberService {
  constructor(private readonly repo: Repository<Member>) {}

  async verify(id: string): Promise<Member> {
    const span = tracer.startSpan('member.verify'); // ok
    const m = await this.repo.findOneByOrFail({ id });
    span.setAttribute('member.verified', m.verified); // ok
    span.setAttributes({ 'member.name': m.displayName, 'member.verified': m.verified }); // pii
    span.setAttribute('member.doc', m.passportNumber ?? ''); // pii
    span.setAttribute('member.has_doc', m.passportNumber != null); // ok
    span.setAttribute('member.last_ip', m.lastLoginIp ?? ''); // pii
    const { email: contact, ...others } = m;
    span.setAttribute('member.snapshot', JSON.stringify(others)); // pii
    span.setAttribute('member.contact_len', contact.length); // ok
    span.setAttribute('member.contact_hash', fingerprint(contact)); // ok
    m.verified = true;
    await this.repo.save(m);
    verifications.add(1, { result: 'verified', had_doc: m.passportNumber != null }); // ok
    span.end();
    return m;
  }

  async rename(id: string, next: string): Promise<void> {
    const m = await this.repo.findOneByOrFail({ id });
    const prev = m.displayName;
    m.displayName = next;
    await this.repo.save(m);
    const span = trace.getActiveSpan();
    span?.addEvent('member.renamed', { from: prev, to: next }); // pii
    span?.addEvent('member.renamed', { id: m.id, delta: next.length - prev.length }); // ok
  }
}
