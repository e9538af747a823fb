import { AppShell, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useSession } from '../api/session.js';

const linksByRole: Record<string, { to: string; label: string }[]> = {
  admin: [
    { to: '/patients', label: 'Patients' },
    { to: '/duplicates', label: 'Possible duplicates' },
    { to: '/doctors', label: 'Doctors' },
    { to: '/calendar', label: 'Calendar' },
    { to: '/series', label: 'Recurring series' },
    { to: '/waitlist', label: 'Waitlist' },
    { to: '/appointment-types', label: 'Appointment types' },
    { to: '/locations', label: 'Locations' },
    { to: '/rooms', label: 'Rooms' },
    { to: '/equipment', label: 'Equipment' },
    { to: '/policy', label: 'Booking policy' },
    { to: '/invoices', label: 'Invoices' },
    { to: '/notifications', label: 'Notifications' },
    { to: '/analytics', label: 'Analytics' },
  ],
  doctor: [
    { to: '/calendar', label: 'My calendar' },
    { to: '/patients', label: 'Patients' },
  ],
  patient: [{ to: '/portal', label: 'My appointments' }],
};
linksByRole.staff = linksByRole.admin!;

/** The frame around every signed-in screen: the role's navigation and a sign-out button. */
export function Shell({ children }: { children: ReactNode }) {
  const { api, claims } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const links = linksByRole[claims?.role ?? ''] ?? [];

  const signOut = async () => {
    await api.signOut();
    queries.clear();
    void navigate('/sign-in');
  };

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 210, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Title order={1} size="h4">
            Clinic console
          </Title>
          <Group gap="sm">
            <Text size="sm" c="dimmed">
              {claims?.email} ({claims?.role})
            </Text>
            <Button variant="default" size="xs" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {links.map((link) => (
          <NavLink
            key={link.to}
            component={Link}
            to={link.to}
            label={link.label}
            active={location.pathname.startsWith(link.to)}
            aria-current={location.pathname.startsWith(link.to) ? 'page' : undefined}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
