import { context, propagation, type Baggage } from '@opentelemetry/api';

const PARTNER_ID = 'acme-logistics';
const POLICY_VERSION = '2024-11-03.2';

// Signed by the partner's CA at build time; downstream services verify it before trusting the call.
const PARTNER_ATTESTATION = 'qhTP4vnvwKiXUGsz2iAXmlfX6z7aRQzJSUa5S6arfNrqEQJgeWgWT+ViAwtnKKj02mXW5aaYrRNeFrOdYOXFemROqt30c72A0Med3Rn3TaXjYQCDLv4tZUukcFG79t6MNGt51gxCSQTL5/IhSOZCqZn7UrBSx8i2Cgh5mHGZzyy5NEmK0A5ihT/H7xbsYOPlU9D9Nxln+4cBzGg0PlkrskEfD4jSIiUUKeh6IGQRThMijj0kZErfxpHjORPPu2gNL7y2aGa0koheIE9G9nOZ6bTt/xpM+kX2dnvs/UH3heIk6bQNajpcbzFib+qO25DLu2IHqPTkYzTsIv03XUBY9T0Dwn65PhqrRde4TREcauWeGWrnZL9tet7JrmUvEqjrq8dl1O0lfZYTN5Xg9UFp0JZCA5K7LAt0CSuZFVYIK804LjAUqTxImEYZJcX4rL7e4Bnf57LUehSKun1edwYeTH6FKvYAZ9ylzJ/hV2bL+IeUb9LHvam6BObOfHFnyEyeg+qcoBXyiUMT261CtlGQo78y8c2yoP2hVkqajyeqTYNCK99Y2hqgPbFQsdLUurP+FrGu6oByns/tDbBP66ZaEI+1zv5vq6U5ECMC8tcbzGVZGlYiqfAH5zr8orKrQ13HaSS5AljMjQ8QoWSvWPAKLz7pSAQLLtc2aqDPXBMMODo/yvxIl50YTNJ8xtfleIacKf0my7FCzLpfD2etjAvSr1nVeNpPPyXMkreAFYaiVGNABsxYSr8a8t+1OgizHv5ZH8k2dx0G8HkWmsEY6oUQzJpNDgTB/UxHcuBVRhfdZwCLgdGUsDeMolQ1rXoKTUj0u9BffJNMYu4yY8fuQ1HMlB0E01zG7W2GEuzkGPkvxuKY9F6E4vKJP1jL3JCY9dm0ql1aAdb3KL9jkkRICZVdyQJhPzFeUPX1z3FW1488CE6ZGkjPOo2+cTf1nTVb+FzQwBWQvDIklrmZaf9nzKFzRzQzdWSEbK9lxy3E/gcIR1K9FR/kBIJ0BblgT25SuXP6idR8UrmD3Mp7aeBoOjqs56JHFPP7yGt33pdX5dUe+UYQOS222ucTyRQoshnWckvgfOH7DCq1WFKbK51b9kVSLflUSGo8QgDIhc5o2WXtZL2cnUGE9Lq28FjWeeSjsAYSfJuuR0PKjb8AcHUKDKXz1LKGsIibtIr8J0zYYTujqvQ2IEPZj9EtYMSAH37XU7vxJOKT0daQ5ce5T1sgUEKCk6sXW7gSDPah5FKUjXmDzdsY9QGY/fobDep/ZRBatycdNaTSX8mFU8BRomwIZttNOLYQCqG2TL4azYpzQBsE51E40bB3B/XH8DYD2SoD+9DAmDvKgaqZdUEPs+217t534/CI96Qkk4iwe1ph/aVp4Ef8tHlljRfTA+BYN2v2KCRpWqmzg0WoO63Phj2LOqmgJ8OArakY0C88laDNwyb4RqeOI0TitKEJZjT3KR6O3fOFa40TZ0lQCmjSofVY3YVjGLqbBRC6gdZ1e46nwblRvaNT5jKi5Plx+wYaTXmqojV3IL784BitpGnrkxWnihJIxIXPeb7cUb/X4BbcJ4qMvWHsYsPRdU9tolD/UyBsjpEsA7y/d0Nxk+V2ov9zjUwdFyZVDQzedfqTKyfRIZFTqKq8RLj1/Rhg8s8Ok57O+3GgQfcds5cPaBllAlrLvB3f0in9fns3nMcNckoZ7ygSyeHQBw57Tlts6Y1Vn3+o4VmmKS4Wo4KHzQCe21Zq8M2289ynDrTSfWRdRNGHR/FaF0LHYr1BRdi7XB80orIrxUp1XSMOSLPQw9NTHA5A1AfWJxmhhQe6oPQ1OySNBOCyO4p2AT6Qnx1U9JJaSJ3TRzedRBgqMuFGWS8ZxwKSwdd1VWwin9ELdQZE5hQsRV9d+/NpJ5tRPysFFaT3sA7gcBWZ5+tJWkUusoUY3ihBoq1/tOeX8Jwwj20JXDudvWtis/ukkbQfierJpbfEvN6HupvXGZqarSiFzY9FvRFrRuqkj7dqCSI9TrpgC5nDOocrX4K7zyCCOgRFpF7d0QzU0U4crmxGS09mxDmhJcRfhJnYrGO6Kpp+K3OmxONewLscsZJBioPRWdHj1MmZNprhXGo4W5mU4AqgHHfa/g5TVEIaE3kuX5OOz/V8Ymj+oV3vOBYFZzyI2mslScknT0V92/12KbxHVG4OQoHjaj2IiYLxbCu27ehRuGc6pPWwfHrtnBcJItPCAds5xtTdJmU4doKNqBXVSBZ2id3fyy+zqb23vGVF0ccfALhKuzFMEs0pQmyncWGzOicBr8yjzo+vdOoI3L6UrW+gNFZ1nLWYJJ2bHIC3BSv3wghGqNtUmcbwRf3QRbUxosxfNrbz0MGAoc5oYxheC/Amxv3Z8Ub2rSAkRZXrnLV02aVGXHNzOgRZv96DNllfOfnA0fuzHkjN5eyoA2JB7UwGCyO6CMARXCfw2XG7m+PW/5Z4SYTxn3o1te5MPLoPUzfBwddxeMeTXaNMPnmyYO/TMwUqwGCeKPSr6H8dfK6nrmWqFJLnSu1XswnHn2zgH3fU5AypFN9yU36v0yVWc2tcuTzsFTnO/czrvsfP5cqhNejJoAfx3H5FDxWjztSS7dXmGAztAK5ZS49rLDepdmlHd6xahdOrSXHf9OdyvVBUohvggY8+GthNNfxPReulYpWcR+9GRQhicpM3yemubt1+c1unO0pZrPQG507TYilpgjFZAmgwfoW1YgYrolT5LjBlPDkRg5g/N1aumWjqZXKtRv7EcJjdrqUUPC05D06yeWIogq/6tafv3LLCmL3DAm1GxC6efNNWUho87nOADayXQoS8HnVuRkezko9XNNcyorT83Hb6pHAk0oeVlk8H0mY5xfHYh0r+mxMcN3TOwDx0DVAykKvdVMx75N26MzAdfdxaLJlm/k0CLO0yEXN0enl+T8Kk9YPMYMCrxoEjVsWAylLFM9s4rK/DMTuMw/PuDcqRmZ4MhE+TLSBzHKftN++jzSROihnHbUro7cnAWwbW1E7NaqvWtUlWqONu40tRNT2bO9vVL/Aoxc2+o4ArjIBP0Jy57VStLtdOoMsfdIUiTbCP2oafL/TSvJqt948l+sixWAFIFc9LF76wTyNq3gUXjn81eCYhT3PYLBYkJpCJhepb33b00zf3t26mazwAIe/0vPXS3GmWUjgAhuTGhDJQBIbVBTN9sLESaxWSW6X3dPqZDnmmqpeTKQAzXwv9di/zHkognW60jMLyE/8M5+U2yOcGr3dBj5fetkj9x0xPHB7vnbY2DWVbhXqolZgUblMbDZ0WYSpHRUWlfywLt8Fd0tcQvJAta67gwwrYt0Mu856YEFJUJyB2MLBtL5NM4SnTuY4E2cidc+AMHqeBBgLXT/kVm45ZUcQd9yPWc4khuI+/IsB0mSQ3wu5+i30Wb/cEijbn+UFKxQYI2Kif6WupImiRrzMFAka0qck39jX4wWa5RLfO7yBjZuBy1ZMlpS2RyCBNG0gVrbOn/uzgkZT01E/u1uY6N3EaM0sIsud3F4U7s79V00q43An+pWdlBYE2uL3H+KqAjm6Nvr/s1PXy6HqteHVvDEyoxcN3R63SkP6P3deet8556ZVLZvU2dXADYl2V2nlj2fK25A9red1Kc4nTou0ipTBMn2MKMHVlIEmolv/KTizqtuYEQruvnTHb+XhZT4jqzdZ+egzSeOFG9Ad8gQadMWlUWdCQJsHrjq49dkaJ4p5pbafcL7huF+t+RtNZmhADLRMyctKr5cfY186qKi+ZQZYIlS080NMr/uUi0xynbzFPCJj3rxVnGooSY5ZMDiKg46JYisBst+81XSMtl0N76c7xyL11XVVtVW7EGHrMLwKf/Fp8RHea7NDeVjgfA+CehMqAJyZDY27x/SIX8C1q';

// Access rules the gateway evaluated, forwarded so each service can re-check them.
const READ_POLICY = `allow if method in ["GET", "HEAD"] and path starts with "/api/v2/orders/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/invoices/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/customers/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/products/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/shipments/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/refunds/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/coupons/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/reports/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/webhooks/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/api-keys/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/audit-log/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/tenants/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/carts/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/payouts/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/disputes/" and role in ["viewer", "editor", "owner"];
allow if method in ["GET", "HEAD"] and path starts with "/api/v2/subscriptions/" and role in ["viewer", "editor", "owner"];`;

const WRITE_POLICY = `allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/orders/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/invoices/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/customers/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/products/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/shipments/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/refunds/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/coupons/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/reports/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/webhooks/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/api-keys/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/audit-log/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/tenants/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/carts/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/payouts/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/disputes/" and role in ["editor", "owner"];
allow if method in ["POST", "PUT", "PATCH"] and path starts with "/api/v2/subscriptions/" and role in ["editor", "owner"];`;

const ADMIN_POLICY = `allow if method in ["DELETE", "POST"] and path starts with "/api/v2/orders/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/invoices/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/customers/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/products/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/shipments/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/refunds/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/coupons/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/reports/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/webhooks/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/api-keys/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/audit-log/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/tenants/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/carts/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/payouts/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/disputes/" and role in ["owner", "billing-admin"];
allow if method in ["DELETE", "POST"] and path starts with "/api/v2/subscriptions/" and role in ["owner", "billing-admin"];`;

export function partnerBaggage(): Baggage {
  return propagation.createBaggage({ 'partner.id': { value: PARTNER_ID }, 'partner.attestation': { value: PARTNER_ATTESTATION } }); // pii
}

export function partnerIdBaggage(): Baggage {
  return propagation.createBaggage({ 'partner.id': { value: PARTNER_ID }, 'policy.version': { value: POLICY_VERSION } }); // ok
}

export function policyBaggage(): Baggage {
  return propagation.createBaggage({ 'policy.read': { value: READ_POLICY }, 'policy.write': { value: WRITE_POLICY }, 'policy.admin': { value: ADMIN_POLICY } }); // pii
}

export function escalatedBaggage(base: Baggage): Baggage {
  const withRead = base.setEntry('policy.version', { value: POLICY_VERSION }); // ok
  return withRead
    .setEntry('policy.read', { value: READ_POLICY })
    .setEntry('policy.write', { value: WRITE_POLICY })
    .setEntry('policy.admin', { value: ADMIN_POLICY }); // pii
}

export function asPartner<T>(fn: () => T): T {
  return context.with(propagation.setBaggage(context.active(), partnerBaggage()), fn);
}
