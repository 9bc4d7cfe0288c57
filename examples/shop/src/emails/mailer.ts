export async function sendMail(to: string, subject: string): Promise<void> {
  // A real service would talk SMTP here.
  await new Promise((resolve) => setTimeout(resolve, 5));
  if (!to.includes('@')) throw new Error(`invalid recipient for ${subject}`);
}
