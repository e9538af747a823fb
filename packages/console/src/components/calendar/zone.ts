import { DateTime, Settings } from 'luxon';
import { createContext, useContext, useEffect, useMemo } from 'react';
import { luxonLocalizer } from 'react-big-calendar';

/** The zone the grid shows wall-clock times in (a location's or a doctor's), for the blocks inside it. */
export const GridZone = createContext('UTC');
export const useGridZone = () => useContext(GridZone);

/**
 * react-big-calendar does its date math through the localizer, and luxon's localizer in luxon's
 * default zone: so the grid shows the location's times whatever zone the browser is in. Luxon has
 * one default, so the grid sets it while it is on screen (during render, before the calendar reads
 * it; again after StrictMode's trial unmount) and gives the browser's back when it goes.
 */
export function useZonedLocalizer(timeZone: string) {
  const localizer = useMemo(() => {
    Settings.defaultZone = timeZone;
    return luxonLocalizer(DateTime, { firstDayOfWeek: 1 });
  }, [timeZone]);
  useEffect(() => {
    Settings.defaultZone = timeZone;
    return () => {
      Settings.defaultZone = 'system';
    };
  }, [timeZone]);
  return localizer;
}

/** A wall-clock time of a day in the zone, as the instant the calendar takes. */
export const wallClock = (day: string, time: string, timeZone: string) => DateTime.fromISO(`${day}T${time}`, { zone: timeZone }).toJSDate();
