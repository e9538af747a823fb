import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession } from './api/session.js';
import { Shell } from './components/Shell.js';
import { Register } from './pages/Register.js';
import { SignIn } from './pages/SignIn.js';
import { VerifyEmail } from './pages/VerifyEmail.js';

// Everything past sign-in loads on demand: the first screen ships only what it shows.
const Patients = lazy(() => import('./pages/Patients.js'));
const PatientDetail = lazy(() => import('./pages/PatientDetail.js'));
const MergePatients = lazy(() => import('./pages/MergePatients.js'));
const Duplicates = lazy(() => import('./pages/Duplicates.js'));
const Doctors = lazy(() => import('./pages/Doctors.js'));
const DoctorDetail = lazy(() => import('./pages/DoctorDetail.js'));
const Calendar = lazy(() => import('./pages/Calendar.js'));
const Invoices = lazy(() => import('./pages/Invoices.js'));
const Notifications = lazy(() => import('./pages/Notifications.js'));
const Analytics = lazy(() => import('./pages/Analytics.js'));
const Portal = lazy(() => import('./pages/Portal.js'));
const AppointmentTypes = lazy(() => import('./pages/AppointmentTypes.js'));
const Policy = lazy(() => import('./pages/Policy.js'));
const Series = lazy(() => import('./pages/Series.js'));
const Waitlist = lazy(() => import('./pages/Waitlist.js'));
const Locations = lazy(() => import('./pages/Locations.js'));
const Rooms = lazy(() => import('./pages/Resources.js').then((page) => ({ default: page.Rooms })));
const Equipment = lazy(() => import('./pages/Resources.js').then((page) => ({ default: page.Equipment })));

const loading = (
  <Center h="50vh">
    <Loader aria-label="Loading" />
  </Center>
);

function Home() {
  const { claims } = useSession();
  if (claims?.role === 'patient') return <Navigate to="/portal" replace />;
  if (claims?.role === 'doctor') return <Navigate to="/calendar" replace />;
  return <Navigate to="/patients" replace />;
}

function Guard({ allow, children }: { allow: (role: string) => boolean; children: ReactNode }) {
  const { claims } = useSession();
  const location = useLocation();
  if (!claims) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!allow(claims.role)) return <Navigate to="/" replace />;
  return <Shell>{children}</Shell>;
}

const staff = (role: string) => role === 'admin' || role === 'staff';
const anyStaffOrDoctor = (role: string) => staff(role) || role === 'doctor';

export function App() {
  const { ready, claims } = useSession();
  if (!ready) return loading;
  return (
    <Suspense fallback={loading}>
      <Routes>
        <Route path="/sign-in" element={claims ? <Navigate to="/" replace /> : <SignIn />} />
        <Route path="/register" element={claims ? <Navigate to="/" replace /> : <Register />} />
        <Route path="/verify-email" element={<VerifyEmail />} />
        <Route path="/" element={claims ? <Home /> : <Navigate to="/sign-in" replace />} />
        <Route path="/portal" element={<Guard allow={(role) => role === 'patient'}><Portal /></Guard>} />
        <Route path="/patients" element={<Guard allow={anyStaffOrDoctor}><Patients /></Guard>} />
        <Route path="/patients/:id" element={<Guard allow={anyStaffOrDoctor}><PatientDetail /></Guard>} />
        <Route path="/patients/:id/merge/:otherId" element={<Guard allow={staff}><MergePatients /></Guard>} />
        <Route path="/duplicates" element={<Guard allow={staff}><Duplicates /></Guard>} />
        <Route path="/doctors" element={<Guard allow={staff}><Doctors /></Guard>} />
        <Route path="/doctors/:id" element={<Guard allow={staff}><DoctorDetail /></Guard>} />
        <Route path="/calendar" element={<Guard allow={anyStaffOrDoctor}><Calendar /></Guard>} />
        <Route path="/invoices" element={<Guard allow={staff}><Invoices /></Guard>} />
        <Route path="/notifications" element={<Guard allow={staff}><Notifications /></Guard>} />
        <Route path="/analytics" element={<Guard allow={staff}><Analytics /></Guard>} />
        <Route path="/appointment-types" element={<Guard allow={staff}><AppointmentTypes /></Guard>} />
        <Route path="/policy" element={<Guard allow={staff}><Policy /></Guard>} />
        <Route path="/series" element={<Guard allow={staff}><Series /></Guard>} />
        <Route path="/waitlist" element={<Guard allow={staff}><Waitlist /></Guard>} />
        <Route path="/locations" element={<Guard allow={staff}><Locations /></Guard>} />
        <Route path="/rooms" element={<Guard allow={staff}><Rooms /></Guard>} />
        <Route path="/equipment" element={<Guard allow={staff}><Equipment /></Guard>} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Suspense>
  );
}

