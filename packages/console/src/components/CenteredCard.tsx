import { Container, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function CenteredCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Container size={420} my={60} component="main">
      <Title order={1} ta="center" mb="lg" size="h2">
        {title}
      </Title>
      <Paper withBorder shadow="sm" p="xl" radius="md">
        {children}
      </Paper>
    </Container>
  );
}
