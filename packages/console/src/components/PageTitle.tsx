import { Group, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';

/** The screen's heading; also names the browser tab, so screen readers announce where they are. */
export function PageTitle({ title, children }: { title: string; children?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Clinic console`;
  }, [title]);
  return (
    <Group justify="space-between" mb="md">
      <Title order={2}>{title}</Title>
      {children}
    </Group>
  );
}
