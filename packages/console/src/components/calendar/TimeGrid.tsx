import { useMemo } from 'react';
import { Calendar, type Components } from 'react-big-calendar';
import dragAndDrop from 'react-big-calendar/lib/addons/dragAndDrop';
import 'react-big-calendar/lib/css/react-big-calendar.css';
import 'react-big-calendar/lib/addons/dragAndDrop/styles.css';
import type { AppointmentBlock, Block, Column } from '../../lib/calendar.js';
import { BlockContent, BlockWrapper, ColumnHeading, DayHeading } from './Blocks.js';
import './calendar.css';
import { GridZone, useZonedLocalizer, wallClock } from './zone.js';

// The addon ships as CommonJS only: the bundle hands over its module, whose default is the function.
const withDragAndDrop = (dragAndDrop as unknown as { default?: typeof dragAndDrop }).default ?? dragAndDrop;
const DragAndDropCalendar = withDragAndDrop<Block, Column>(Calendar);

const components: Components<Block, Column> = {
  event: BlockContent,
  eventWrapper: BlockWrapper as Components<Block, Column>['eventWrapper'],
  header: DayHeading,
  resourceHeader: ColumnHeading,
};
const eventClass = (block: Block) => ({ className: block.kind === 'appointment' ? `pms-appointment pms-${block.appointment.status.toLowerCase()}` : `pms-${block.kind}` });
const keep = () => undefined;

/**
 * The time grid (react-big-calendar): a day in columns (doctors or rooms) or a week, blocks sized
 * by their times in the zone given. A block is opened by a click; a draggable one moved by
 * dragging, and `onMove` says where it was dropped (the page asks the server; the block only
 * stays there if the page's data then says so).
 */
export function TimeGrid(props: {
  timeZone: string;
  view: 'day' | 'week';
  /** The day shown ('YYYY-MM-DD'), or one of the week's days. */
  day: string;
  blocks: Block[];
  /** The day view's columns; the week has none. */
  columns?: Column[];
  onOpen: (block: Block) => void;
  onMove: (block: AppointmentBlock, start: Date, end: Date, columnId: string | undefined) => void;
}) {
  const { timeZone, day } = props;
  const localizer = useZonedLocalizer(timeZone);
  const date = useMemo(() => wallClock(day, '12:00', timeZone), [day, timeZone]);
  // The morning is on screen first; the rest of the day scrolls.
  const scrollToTime = useMemo(() => wallClock(day, '07:30', timeZone), [day, timeZone]);
  return (
    <GridZone.Provider value={timeZone}>
      <div className="pms-calendar">
        <DragAndDropCalendar
          localizer={localizer}
          culture="en-GB"
          formats={{ timeGutterFormat: 'HH:mm' }}
          date={date}
          view={props.view}
          views={['day', 'week']}
          onView={keep}
          onNavigate={keep}
          toolbar={false}
          drilldownView={null}
          events={props.blocks}
          startAccessor="start"
          endAccessor="end"
          resources={props.view === 'day' ? props.columns : undefined}
          resourceIdAccessor="id"
          resourceTitleAccessor="title"
          resourceAccessor="columnId"
          components={components}
          eventPropGetter={eventClass}
          onSelectEvent={props.onOpen}
          draggableAccessor={(block) => block.kind === 'appointment' && block.draggable}
          resizable={false}
          onEventDrop={({ event, start, end, resourceId }) => {
            if (event.kind === 'appointment') props.onMove(event, new Date(start), new Date(end), resourceId === undefined ? undefined : String(resourceId));
          }}
          step={30}
          timeslots={2}
          scrollToTime={scrollToTime}
          dayLayoutAlgorithm="no-overlap"
          style={{ height: 640 }}
        />
      </div>
    </GridZone.Provider>
  );
}
